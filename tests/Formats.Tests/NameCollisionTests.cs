using Formats.Naming;
using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Names that would overwrite each other where the archive is extracted (Windows, macOS, any system) are refused by default.</summary>
public sealed class NameCollisionTests
{
    private static async Task<InvalidEntryNameException> RefusedAsync(IArchiveSink sink, ArchiveEntry first, ArchiveEntry second)
    {
        await sink.AddEntryAsync(first, first.Kind == EntryKind.File ? EntrySource.FromBytes("1"u8.ToArray()) : null);
        var before = sink.BytesWritten;
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await sink.AddEntryAsync(second, second.Kind == EntryKind.File ? EntrySource.FromBytes("2"u8.ToArray()) : null));
        Assert.Equal(before, sink.BytesWritten);
        return ex;
    }

    public static TheoryData<string, string> CaseAndNormalization => new()
    {
        { "Photo.JPG", "photo.jpg" },
        { "docs/Readme.md", "DOCS/readme.md" },
        { "caf\u00e9.txt", "cafe\u0301.txt" },
        { "CAF\u00c9.txt", "cafe\u0301.txt" },
        { "\ud55c.txt", "\u1112\u1161\u11ab.txt" },
        { "a\u0323\u0307.txt", "a\u0307\u0323.txt" },
        { "\u1e69", "s\u0307\u0323" },
        { "\u03bb\u03cc\u03b3\u03bf\u03c2.txt", "\u03bb\u03cc\u03b3\u03bf\u03c3.txt" },
        { "\u039b\u039f\u0393\u039f\u03a3.txt", "\u03bb\u03bf\u03b3\u03bf\u03c2.txt" },
        { "a.txt", "a.txt." },
        { "a.txt.", "a.txt" },
        { "a.txt", "a.txt " },
        { "a.txt", "A.TXT. . " },
        { "d/a.txt", "d./a.txt" },
        { "d /a.txt", "D/a.txt" },
    };

    [Theory]
    [MemberData(nameof(CaseAndNormalization))]
    public async Task Names_differing_only_in_case_or_normalization_are_refused_naming_the_earlier_one(string first, string second)
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var ex = await RefusedAsync(zip, new ArchiveEntry(first), new ArchiveEntry(second));
        Assert.Equal(EntryNameRule.Collision, ex.Rule);
        Assert.Contains(first, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Windows or macOS", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "a/b")]
    [InlineData("a/b", "a")]
    [InlineData("x/A", "x/a/b/c")]
    [InlineData("deep/a/b/c", "deep/a")]
    public async Task File_beside_a_folder_of_the_same_name_is_refused(string first, string second)
    {
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        var ex = await RefusedAsync(tar, new ArchiveEntry(first), new ArchiveEntry(second));
        Assert.Equal(EntryNameRule.Collision, ex.Rule);
    }

    [Theory]
    [InlineData("d.", "d/f.txt")]
    [InlineData("d/f.txt", "d ")]
    public async Task File_named_like_a_folder_but_for_trailing_dots_or_spaces_is_refused(string first, string second)
    {
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        var ex = await RefusedAsync(tar, new ArchiveEntry(first), new ArchiveEntry(second));
        Assert.Equal(EntryNameRule.Collision, ex.Rule);
    }

    [Fact]
    public async Task A_trailing_dot_or_space_alone_is_kept_as_given()
    {
        var output = new AsyncOnlyStream();
        await using (var zip = new ZipArchiveWriter(output))
        {
            await zip.AddEntryAsync(new ArchiveEntry("notes."), EntrySource.FromBytes("1"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("dir /a.txt"), EntrySource.FromBytes("2"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("notes.txt"), EntrySource.FromBytes("3"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("\u03c3.txt"), EntrySource.FromBytes("4"u8.ToArray()));
            await zip.CompleteAsync();
        }

        Assert.Equal(["notes.", "dir /a.txt", "notes.txt", "\u03c3.txt"], ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray()).Keys);
    }

    [Fact]
    public async Task Name_below_a_symbolic_link_is_refused()
    {
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        var ex = await RefusedAsync(tar, ArchiveEntry.SymbolicLink("link", "real"), new ArchiveEntry("link/file.txt"));
        Assert.Contains("'link' is not a folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Folders_and_their_files_in_any_order_are_accepted()
    {
        var output = new AsyncOnlyStream();
        await using (var zip = new ZipArchiveWriter(output))
        {
            await zip.AddEntryAsync(new ArchiveEntry("a/b/c.txt"), EntrySource.FromBytes("c"u8.ToArray()));
            await zip.AddEntryAsync(ArchiveEntry.Directory("a/b"));
            await zip.AddEntryAsync(ArchiveEntry.Directory("a"));
            await zip.AddEntryAsync(new ArchiveEntry("a/d.txt"), EntrySource.FromBytes("d"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("ab"), EntrySource.FromBytes("ab"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("r\u00e9sum\u00e9.txt"), EntrySource.FromBytes("r"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("resume.txt"), EntrySource.FromBytes("r"u8.ToArray()));
            await zip.CompleteAsync();
        }

        Assert.Equal(7, ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray()).Count);
    }

    [Fact]
    public async Task Colliding_names_are_allowed_when_the_policy_says_so()
    {
        var output = new AsyncOnlyStream();
        var policy = new EntryNamePolicy { AllowCollidingNames = true };
        await using (var zip = new ZipArchiveWriter(output, new ZipWriterOptions { NamePolicy = policy }))
        {
            await zip.AddEntryAsync(new ArchiveEntry("Photo.jpg"), EntrySource.FromBytes("1"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("photo.jpg"), EntrySource.FromBytes("2"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("a"), EntrySource.FromBytes("3"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("a/b"), EntrySource.FromBytes("4"u8.ToArray()));
            await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await zip.AddEntryAsync(new ArchiveEntry("a"), EntrySource.FromBytes("5"u8.ToArray())));
        }
    }

    [Fact]
    public async Task Rename_policy_renames_a_name_differing_only_in_case()
    {
        var output = new AsyncOnlyStream();
        await using (var zip = new ZipArchiveWriter(output, new ZipWriterOptions { NamePolicy = new EntryNamePolicy { Duplicates = DuplicateNameHandling.Rename } }))
        {
            await zip.AddEntryAsync(new ArchiveEntry("Photo.jpg"), EntrySource.FromBytes("1"u8.ToArray()));
            await zip.AddEntryAsync(new ArchiveEntry("photo.JPG"), EntrySource.FromBytes("2"u8.ToArray()));
            await zip.CompleteAsync();
        }

        Assert.Equal(["Photo.jpg", "photo (1).JPG"], ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray()).Keys);
    }

    [Fact]
    public void Fold_key_keeps_plain_lower_case_ascii_names_as_they_are()
    {
        const string name = "docs/readme.md";
        Assert.Same(name, CanonicalDecomposition.FoldKey(name));
        Assert.Equal(CanonicalDecomposition.FoldKey("\u00c5ngstr\u00f6m"), CanonicalDecomposition.FoldKey("A\u030angstro\u0308m"));
        Assert.NotEqual(CanonicalDecomposition.FoldKey("r\u00e9sum\u00e9"), CanonicalDecomposition.FoldKey("resume"));
    }

    [Fact]
    public void Committed_decomposition_table_matches_a_fresh_generation_from_an_icu_of_the_unicode_version_it_records()
    {
        var root = Formats.Tools.UnicodeGen.DecompositionTable.FindRepositoryRoot(AppContext.BaseDirectory);
        var committed = File.ReadAllText(Path.Combine(root, Formats.Tools.UnicodeGen.DecompositionTable.RelativePath));
        var recorded = Formats.Tools.UnicodeGen.DecompositionTable.RecordedUnicodeVersion(committed);
        Assert.True(recorded is not null, "the table records no Unicode version: run dotnet run --project tools/UnicodeGen");
        Assert.Equal(CanonicalDecomposition.UnicodeVersion, recorded);

        // Another Unicode version gives another table by right (new characters with decompositions), not a stale one:
        // the table stays what its recorded version says until someone regenerates it on purpose.
        var host = Formats.Tools.UnicodeGen.IcuUnicodeVersion.Get();
        if (host != recorded)
        {
            Assert.Skip($"the table records Unicode {recorded}; this host's ICU has Unicode {host ?? "(unknown)"}, so a fresh generation here is not comparable");
        }

        Assert.True(committed == Formats.Tools.UnicodeGen.DecompositionTable.Render(), "stale: run dotnet run --project tools/UnicodeGen");
    }
}
