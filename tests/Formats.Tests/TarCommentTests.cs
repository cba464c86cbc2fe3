using System.Formats.Tar;
using Formats.Tar;
using static Formats.Testing.TarTestHelpers;

namespace Formats.Tests;

/// <summary>
/// An entry's comment in tar: a pax 'comment' record of one line, which .NET's TarReader reads; a comment with a line
/// feed is refused (docs/format-decisions.md, "Comments"), since TarReader fails on the whole archive that holds one.
/// </summary>
public sealed class TarCommentTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    [Fact]
    public async Task One_line_comments_are_pax_comment_records_that_TarReader_reads()
    {
        string[] comments = ["built by formats", "note é 日本語", "a tab\tand a carriage return\r inside"];
        var tar = await WriteTarAsync(async t =>
        {
            foreach (var (comment, i) in comments.Select((c, i) => (c, i)))
            {
                await t.AddEntryAsync(new ArchiveEntry($"f{i}.txt") { LastModified = Time, Comment = comment }, EntrySource.FromBytes("hi"u8.ToArray()));
            }
        });

        Assert.Equal(comments, TarInspector.Inspect(tar).Select(m => m.Pax["comment"]));
        using var reader = new TarReader(new MemoryStream(tar));
        foreach (var (comment, i) in comments.Select((c, i) => (c, i)))
        {
            var entry = Assert.IsType<PaxTarEntry>(reader.GetNextEntry());
            Assert.Equal($"f{i}.txt", entry.Name);
            Assert.Equal(comment, entry.ExtendedAttributes["comment"]);
            var content = new MemoryStream();
            entry.DataStream!.CopyTo(content);
            Assert.Equal("hi"u8.ToArray(), content.ToArray());
        }

        Assert.Null(reader.GetNextEntry());
    }

    [Theory]
    [InlineData("first line\nsecond line", 10)]
    [InlineData("windows\r\nlines", 8)]
    [InlineData("\n", 0)]
    public async Task A_comment_with_a_line_feed_is_refused_naming_the_entry_before_its_header_is_written(string comment, int at)
    {
        var output = new MemoryStream();
        await using var tar = new TarArchiveWriter(output);
        await tar.AddEntryAsync(new ArchiveEntry("before.txt") { LastModified = Time }, EntrySource.FromBytes("ok"u8.ToArray()));
        var written = output.Length;
        var error = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await tar.AddEntryAsync(new ArchiveEntry("notes.txt") { LastModified = Time, Comment = comment }, EntrySource.FromBytes("x"u8.ToArray())));
        Assert.Equal("notes.txt", error.EntryName);
        Assert.Contains($"comment has a line feed at character {at}", error.Message, StringComparison.Ordinal);
        Assert.Equal(written, output.Length);
    }

    [Fact]
    public async Task A_plan_with_a_multi_line_comment_has_no_length_and_says_why()
    {
        var plan = new TarArchivePlan([new ArchiveItem(new ArchiveEntry("notes.txt") { LastModified = Time, Length = 1, Comment = "a\nb" }, EntrySource.FromBytes("x"u8.ToArray()))]);
        var prediction = await plan.PredictLengthAsync();
        Assert.False(prediction.IsKnown);
        Assert.Contains("notes.txt", prediction.Reason, StringComparison.Ordinal);
        Assert.Contains("comment has a line feed at character 1", prediction.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("one line")]
    [InlineData("two\nlines")]
    [InlineData("ends with a line feed\n")]
    [InlineData("carriage return\ronly")]
    public async Task Every_tar_this_writer_completes_is_read_by_TarReader_whatever_the_comment(string comment)
    {
        byte[] tar;
        try
        {
            tar = await WriteTarAsync(async t =>
            {
                await t.AddEntryAsync(new ArchiveEntry("notes.txt") { LastModified = Time, Comment = comment }, EntrySource.FromBytes("x"u8.ToArray()));
                await t.AddEntryAsync(new ArchiveEntry("after.txt") { LastModified = Time }, EntrySource.FromBytes("y"u8.ToArray()));
            });
        }
        catch (ArchiveException ex) when (comment.Contains('\n', StringComparison.Ordinal))
        {
            Assert.Equal("notes.txt", ex.EntryName);
            return;
        }

        Assert.Equal(["notes.txt", "after.txt"], ReadWithTarReader(tar).Select(e => e.Name));
    }

    [Fact]
    public void Dotnet_PaxTarEntry_refuses_a_value_with_a_line_feed_as_this_writer_does()
    {
        // The runtime's own writer: what its reader cannot read back, it does not even take.
        var error = Assert.ThrowsAny<ArgumentException>(() => new PaxTarEntry(TarEntryType.RegularFile, "notes.txt", new Dictionary<string, string> { ["comment"] = "a\nb" }));
        Assert.Contains("disallowed", error.Message, StringComparison.Ordinal);
    }
}
