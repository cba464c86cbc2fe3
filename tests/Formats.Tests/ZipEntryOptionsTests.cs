using System.IO.Compression;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>A member's own method and level (ZipEntryOptions), against the archive's.</summary>
public sealed class ZipEntryOptionsTests
{
    private static readonly byte[] Text = SyntheticStream.Bytes(300_000, 7, compressible: true);
    private static readonly byte[] Large = SyntheticStream.Bytes(2_500_000, 8, compressible: true);

    private static Task<byte[]> MixedAsync(int threads) => ZipTestHelpers.WriteZipAsync(
        async zip =>
        {
            await zip.AddEntryAsync(new ArchiveEntry("archive-method.txt"), EntrySource.FromBytes(Text));
            await zip.AddEntryAsync(new ArchiveEntry("stored.txt"), EntrySource.FromBytes(Text), new ZipEntryOptions { Method = ZipCompressionMethod.Stored });
            await zip.AddEntryAsync(new ArchiveEntry("zstd.txt"), EntrySource.FromBytes(Text), new ZipEntryOptions { Method = ZipCompressionMethod.Zstandard, CompressionLevel = 9 });
            await zip.AddEntryAsync(new ArchiveEntry("fast.txt"), EntrySource.FromBytes(Text), new ZipEntryOptions { CompressionLevel = 1 });
            await zip.AddEntryAsync(new ArchiveEntry("large-fast.txt"), EntrySource.FromBytes(Large), new ZipEntryOptions { CompressionLevel = 1 });
            await zip.AddEntryAsync(new ArchiveEntry("large-best.txt"), EntrySource.FromBytes(Large), new ZipEntryOptions { CompressionLevel = 9 });
            await using (var pushed = await zip.OpenEntryAsync(new ArchiveEntry("pushed-stored.txt"), new ZipEntryOptions { Method = ZipCompressionMethod.Stored }))
            {
                await pushed.WriteAsync(Text);
            }

            await zip.AddEntryAsync(new ArchiveEntry("auto.txt"), EntrySource.FromBytes(Text), new ZipEntryOptions { Method = ZipCompressionMethod.Auto });
        },
        new ZipWriterOptions { Method = ZipCompressionMethod.Deflate, MaxDegreeOfParallelism = threads });

    [Fact]
    public async Task Each_member_is_written_with_its_own_method_and_readers_extract_them_all()
    {
        var zip = await MixedAsync(threads: 4);
        var entries = ZipInspector.Inspect(zip).Entries.ToDictionary(e => e.Name);
        Assert.Equal(8, entries["archive-method.txt"].Central.CompressionMethod);
        Assert.Equal(0, entries["stored.txt"].Central.CompressionMethod);
        Assert.Equal(93, entries["zstd.txt"].Central.CompressionMethod);
        Assert.Equal(63, entries["zstd.txt"].Central.VersionNeededToExtract);
        Assert.Equal(8, entries["fast.txt"].Central.CompressionMethod);
        Assert.Equal(0, entries["pushed-stored.txt"].Central.CompressionMethod);
        Assert.Equal(8, entries["auto.txt"].Central.CompressionMethod);

        var zstd = entries["zstd.txt"];
        using var decompressor = new ZstdSharp.Decompressor();
        Assert.Equal(Text, decompressor.Unwrap(zip.AsSpan((int)zstd.DataOffset, (int)zstd.CompressedSize)).ToArray());

        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries.Where(e => e.FullName != "zstd.txt"))
        {
            using var content = entry.Open();
            var read = new MemoryStream();
            await content.CopyToAsync(read, TestContext.Current.CancellationToken);
            Assert.Equal(entry.FullName.StartsWith("large", StringComparison.Ordinal) ? Large : Text, read.ToArray());
        }
    }

    [Fact]
    public async Task A_member_level_changes_its_bytes_and_the_same_input_gives_the_same_bytes_at_any_parallelism()
    {
        var entries = ZipInspector.Inspect(await MixedAsync(threads: 1)).Entries.ToDictionary(e => e.Name);
        Assert.True(entries["fast.txt"].CompressedSize > entries["archive-method.txt"].CompressedSize, "level 1 compresses less than the archive's level 6");
        Assert.True(entries["large-fast.txt"].CompressedSize > entries["large-best.txt"].CompressedSize, "level 1 compresses less than level 9 in chunks");
        Assert.Equal(await MixedAsync(threads: 1), await MixedAsync(threads: 4));
    }

    [Fact]
    public async Task A_plan_refuses_a_member_that_deflates_in_a_stored_archive_and_sizes_stored_members_of_a_deflate_archive()
    {
        var crc = System.IO.Hashing.Crc32.HashToUInt32(Text);
        var deflated = new ArchiveItem(new ArchiveEntry("d.txt") { Length = Text.Length, Crc32 = crc }, EntrySource.FromBytes(Text)) { Options = new ZipEntryOptions { Method = ZipCompressionMethod.Deflate } };
        var refused = await new ZipArchivePlan([deflated], new ZipWriterOptions { Method = ZipCompressionMethod.Stored }).PredictLengthAsync();
        Assert.False(refused.IsKnown);
        Assert.Contains("entry 'd.txt'", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("Deflate", refused.Reason, StringComparison.Ordinal);

        var stored = new ArchiveItem(new ArchiveEntry("s.txt") { Length = Text.Length, Crc32 = crc }, EntrySource.FromBytes(Text)) { Options = new ZipEntryOptions { Method = ZipCompressionMethod.Stored } };
        var plan = new ZipArchivePlan([stored], ZipWriterOptions.Default);
        var predicted = await plan.PredictLengthAsync();
        Assert.True(predicted.IsKnown, predicted.Reason);
        var output = new MemoryStream();
        await plan.WriteAsync(output);
        Assert.Equal(output.Length, predicted.Length);
        Assert.NotEqual(new ZipArchivePlan([stored with { Options = null }], ZipWriterOptions.Default).ETag, plan.ETag);
    }

    [Fact]
    public async Task Zip_options_given_to_a_tar_writer_are_refused()
    {
        await using var tar = new Formats.Tar.TarArchiveWriter(Stream.Null);
        var plan = new Formats.Tar.TarArchivePlan([new ArchiveItem(new ArchiveEntry("a")) { Options = new ZipEntryOptions { Method = ZipCompressionMethod.Stored } }]);
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await plan.WriteAsync(Stream.Null));
        Assert.Contains("ZipEntryOptions are options of another format", ex.Message, StringComparison.Ordinal);
    }
}
