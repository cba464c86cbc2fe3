using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

public sealed class EntryNamePolicyTests
{
    [Theory]
    [InlineData("", EntryNameRule.Empty)]
    [InlineData("/etc/passwd", EntryNameRule.Absolute)]
    [InlineData("\\server\\share", EntryNameRule.Absolute)]
    [InlineData("C:/Windows/x", EntryNameRule.DriveLetter)]
    [InlineData("c:evil", EntryNameRule.DriveLetter)]
    [InlineData("a//b", EntryNameRule.EmptySegment)]
    [InlineData("a/", EntryNameRule.EmptySegment)]
    [InlineData("../x", EntryNameRule.DotDotSegment)]
    [InlineData("a/../../x", EntryNameRule.DotDotSegment)]
    [InlineData("a\\..\\x", EntryNameRule.DotDotSegment)]
    [InlineData("..", EntryNameRule.DotDotSegment)]
    [InlineData("./x", EntryNameRule.DotSegment)]
    [InlineData("a\0b", EntryNameRule.ControlCharacter)]
    [InlineData("a\nb", EntryNameRule.ControlCharacter)]
    [InlineData("a\u007Fb", EntryNameRule.ControlCharacter)]
    public async Task Refused_name_fails_before_anything_of_the_entry_is_written(string name, EntryNameRule rule)
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output);
        await zip.AddEntryAsync(new ArchiveEntry("first.txt"), EntrySource.FromBytes("ok"u8.ToArray()));
        var before = zip.BytesWritten;
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await zip.AddEntryAsync(new ArchiveEntry(name), EntrySource.FromBytes("x"u8.ToArray())));
        Assert.Equal(rule, ex.Rule);
        Assert.Equal(name, ex.EntryName);
        Assert.StartsWith("entry '", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"rule: {rule}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, zip.BytesWritten);
    }

    [Fact]
    public async Task Name_with_an_unpaired_surrogate_is_refused()
    {
        // Not an [InlineData] case: the test framework's serialisation would replace the lone surrogate.
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await zip.AddEntryAsync(new ArchiveEntry("a" + (char)0xD800 + "b")));
        Assert.Equal(EntryNameRule.InvalidUnicode, ex.Rule);
    }

    [Fact]
    public async Task Backslashes_become_slashes()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("dir\\sub\\a.txt")).AsTask());
        Assert.Equal("dir/sub/a.txt", Assert.Single(ZipInspector.Inspect(zip).Entries).Name);
    }

    [Fact]
    public async Task Directory_name_may_end_with_a_slash_and_is_written_with_one()
    {
        var zip = await WriteZipAsync(async z =>
        {
            await z.AddEntryAsync(ArchiveEntry.Directory("a/"));
            await z.AddEntryAsync(ArchiveEntry.Directory("b"));
        });
        Assert.Equal(["a/", "b/"], ZipInspector.Inspect(zip).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task Duplicate_name_is_refused_by_default_even_across_slash_forms()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        await zip.AddEntryAsync(new ArchiveEntry("a/b.txt"));
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await zip.AddEntryAsync(new ArchiveEntry("a\\b.txt")));
        Assert.Equal(EntryNameRule.Duplicate, ex.Rule);
    }

    [Fact]
    public async Task Duplicate_names_are_renamed_before_the_extension_when_the_policy_says_so()
    {
        var options = new ZipWriterOptions { NamePolicy = new EntryNamePolicy { Duplicates = DuplicateNameHandling.Rename } };
        var zip = await WriteZipAsync(async z =>
        {
            await z.AddEntryAsync(new ArchiveEntry("d/report.csv"));
            await z.AddEntryAsync(new ArchiveEntry("d/report.csv"));
            await z.AddEntryAsync(new ArchiveEntry("d/report.csv"));
            await z.AddEntryAsync(new ArchiveEntry("d/README"));
            await z.AddEntryAsync(new ArchiveEntry("d/README"));
            await z.AddEntryAsync(new ArchiveEntry("d/report (1).csv"));
        }, options);
        Assert.Equal(
            ["d/report.csv", "d/report (1).csv", "d/report (2).csv", "d/README", "d/README (1)", "d/report (1) (1).csv"],
            ZipInspector.Inspect(zip).Entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("a/link", "/etc/passwd")]
    [InlineData("a/link", "../../x")]
    [InlineData("link", "../x")]
    [InlineData("a/link", "b/../../../x")]
    [InlineData("a/link", "C:/x")]
    public async Task Symlink_target_that_leaves_the_archive_is_refused(string name, string target)
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await zip.AddEntryAsync(ArchiveEntry.SymbolicLink(name, target)));
        Assert.Equal(EntryNameRule.LinkEscapesArchive, ex.Rule);
    }

    [Theory]
    [InlineData("a/link", "../x")]
    [InlineData("a/b/link", "../../x")]
    [InlineData("link", "x/y")]
    [InlineData("a/link", "./b")]
    public async Task Symlink_target_inside_the_archive_is_accepted(string name, string target)
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(ArchiveEntry.SymbolicLink(name, target)).AsTask());
        Assert.Equal(name, Assert.Single(ZipInspector.Inspect(zip).Entries).Name);
    }

    [Fact]
    public async Task Name_longer_than_a_zip_header_holds_is_refused_with_the_limit()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry(new string('n', 70000))));
        Assert.Contains("70000 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("65535", ex.Message, StringComparison.Ordinal);
    }
}
