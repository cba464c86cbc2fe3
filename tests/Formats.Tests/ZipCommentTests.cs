using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Archive and entry comments: where they go, their encoding flag, and the limits of their length fields.</summary>
public sealed class ZipCommentTests
{
    private static Task<byte[]> WriteAsync(ZipWriterOptions options, params ArchiveEntry[] entries) =>
        ZipTestHelpers.WriteZipAsync(
            async zip =>
            {
                foreach (var entry in entries)
                {
                    await zip.AddEntryAsync(entry, EntrySource.FromBytes(Encoding.UTF8.GetBytes(entry.Name)));
                }
            },
            options);

    [Fact]
    public async Task Archive_comment_follows_the_end_record_and_System_IO_Compression_reads_it()
    {
        var zip = await WriteAsync(new ZipWriterOptions { Comment = "built by formats ✓" }, new ArchiveEntry("a.txt"));
        var inspected = ZipInspector.Inspect(zip);
        Assert.Equal("built by formats ✓", Encoding.UTF8.GetString(inspected.Comment));
        Assert.Equal(inspected.Comment.Length, inspected.End.CommentLength);
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read, leaveOpen: false, Encoding.UTF8);
        Assert.Equal("built by formats ✓", archive.Comment);
    }

    [Fact]
    public async Task Entry_comments_go_in_the_central_header_only_and_System_IO_Compression_reads_them()
    {
        var zip = await WriteAsync(
            ZipWriterOptions.Default,
            new ArchiveEntry("plain.txt") { Comment = "ascii note" },
            new ArchiveEntry("accent.txt") { Comment = "note é" },
            new ArchiveEntry("none.txt"));
        var inspected = ZipInspector.Inspect(zip);
        Assert.Equal("ascii note", Encoding.ASCII.GetString(inspected.Entries[0].Comment));
        Assert.Empty(inspected.Entries[2].Comment);
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        Assert.Equal("ascii note", archive.GetEntry("plain.txt")!.Comment);
        Assert.Equal("note é", archive.GetEntry("accent.txt")!.Comment);
        Assert.Equal("", archive.GetEntry("none.txt")!.Comment);
    }

    [Fact]
    public async Task An_ascii_name_with_a_non_ascii_comment_sets_the_utf8_flag_in_both_headers()
    {
        var zip = await WriteAsync(ZipWriterOptions.Default, new ArchiveEntry("a.txt") { Comment = "ascii" }, new ArchiveEntry("b.txt") { Comment = "日本語" });
        var entries = ZipInspector.Inspect(zip).Entries;
        Assert.Equal(0, entries[0].Central.GeneralPurposeBitFlag & (1 << 11));
        Assert.NotEqual(0, entries[1].Central.GeneralPurposeBitFlag & (1 << 11));
        Assert.Equal(entries[1].Local.GeneralPurposeBitFlag, entries[1].Central.GeneralPurposeBitFlag);
    }

    [Fact]
    public async Task Comments_of_65535_bytes_are_written_and_of_65536_are_refused_naming_the_field()
    {
        var longest = new string('c', 65_535);
        var zip = await WriteAsync(new ZipWriterOptions { Comment = longest }, new ArchiveEntry("a.txt") { Comment = longest });
        var inspected = ZipInspector.Inspect(zip);
        Assert.Equal(65_535, inspected.Comment.Length);
        Assert.Equal(65_535, inspected.Entries[0].Comment.Length);

        var entry = await Assert.ThrowsAsync<ArchiveException>(() => WriteAsync(ZipWriterOptions.Default, new ArchiveEntry("a.txt") { Comment = longest + "c" }));
        Assert.Equal("a.txt", entry.EntryName);
        Assert.Contains("comment is 65536 bytes", entry.Message, StringComparison.Ordinal);
        Assert.Contains("65535", entry.Message, StringComparison.Ordinal);

        // Two bytes a character in UTF-8: the limit is on bytes, not characters.
        var archive = Assert.Throws<ArchiveException>(() => new ZipArchiveWriter(Stream.Null, new ZipWriterOptions { Comment = new string('é', 32_768) }));
        Assert.Contains("archive comment is 65536 bytes", archive.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_comment_holding_the_end_record_signature_is_refused()
    {
        var ex = Assert.Throws<ArchiveException>(() => new ZipArchiveWriter(Stream.Null, new ZipWriterOptions { Comment = "fake end PK\u0005\u0006 here" }));
        Assert.Contains("end of central directory signature", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at byte 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_with_comments_predicts_its_length_and_says_why_a_bad_archive_comment_cannot_be_planned()
    {
        var items = new[] { new ArchiveItem(new ArchiveEntry("a.txt") { Length = 3, Crc32 = System.IO.Hashing.Crc32.HashToUInt32("abc"u8), Comment = "note" }, EntrySource.FromBytes("abc"u8.ToArray())) };
        var plan = new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Comment = "archive" });
        var output = new MemoryStream();
        await plan.WriteAsync(output);
        Assert.Equal(output.Length, (await plan.PredictLengthAsync()).Length);
        Assert.NotEqual(new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored }).ETag, plan.ETag);

        var bad = await new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Comment = "PK\u0005\u0006" }).PredictLengthAsync();
        Assert.False(bad.IsKnown);
        Assert.Contains("end of central directory signature", bad.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tar_writes_an_entry_comment_as_a_pax_comment_record()
    {
        var output = new MemoryStream();
        await using (var tar = new TarArchiveWriter(output))
        {
            await tar.AddEntryAsync(new ArchiveEntry("a.txt") { Comment = "note é" }, EntrySource.FromBytes("a"u8.ToArray()));
            await tar.CompleteAsync();
        }

        output.Position = 0;
        using var reader = new TarReader(output);
        var entry = Assert.IsType<PaxTarEntry>(reader.GetNextEntry());
        Assert.Equal("note é", entry.ExtendedAttributes["comment"]);
    }
}
