using Formats.Tar;

namespace Formats.Cli.Tests;

public sealed class CliTarTests : CliTestBase
{
    private string MakeTree()
    {
        var docs = Path.Combine(Dir, "docs");
        Directory.CreateDirectory(Path.Combine(docs, "sub"));
        File.WriteAllText(Path.Combine(docs, "a.txt"), "ay");
        File.WriteAllText(Path.Combine(docs, "sub", "c.txt"), "sea");
        File.CreateSymbolicLink(Path.Combine(docs, "sub", "link"), "c.txt");
        return docs;
    }

    [Theory]
    [InlineData("none", TarCompression.None)]
    [InlineData("gzip", TarCompression.Gzip)]
    [InlineData("zstd", TarCompression.Zstandard)]
    public async Task Directory_source_becomes_a_tar_with_names_relative_to_its_parent(string compress, TarCompression compression)
    {
        var (code, tar, stderr, _) = await Run(null, "tar", "--compress", compress, MakeTree(), "--mtime", "2024-01-01T00:00:00Z");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var read = TarTestHelpers.ReadWithTarReader(TarTestHelpers.Decompress(tar, compression));
        Assert.Equal(["docs/", "docs/a.txt", "docs/sub/", "docs/sub/c.txt", "docs/sub/link"], read.Select(e => e.Name));
        Assert.Equal("c.txt", read[4].LinkName);
        Assert.All(read, e => Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), e.Modified));
    }

    [Fact]
    public async Task Stdin_needs_stdin_length_and_says_why()
    {
        var (code, stdout, stderr, _) = await Run(new MemoryStream("x"u8.ToArray()), "tar", "-");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("--stdin-length", stderr, StringComparison.Ordinal);
        Assert.Contains("zip can stream", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdin_with_its_length_is_one_entry()
    {
        var (code, tar, _, _) = await Run(new MemoryStream("piped"u8.ToArray()), "tar", "--stdin-length", "5", "--stdin-name", "p.txt", "-");
        Assert.Equal(0, code);
        Assert.Equal("piped"u8.ToArray(), Assert.Single(TarTestHelpers.ReadWithTarReader(tar)).Content);
    }

    [Fact]
    public async Task Stdin_shorter_than_its_stated_length_fails_naming_the_entry_and_leaves_no_file()
    {
        var output = Path.Combine(Dir, "out.tar.gz");
        var (code, _, stderr, _) = await Run(new MemoryStream("short"u8.ToArray()), "tar", "--compress", "gzip", "--stdin-length", "6", "-", "-o", output);
        Assert.Equal(1, code);
        Assert.Contains("entry 'stdin'", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Theory]
    [InlineData("tar", "--compress", "bzip2", "x")]
    [InlineData("tar", "--stdin-length", "-3", "-")]
    [InlineData("tar", "--method", "stored", "x")]
    public async Task Wrong_tar_command_line_exits_2(params string[] args)
    {
        var (code, _, stderr, _) = await Run(null, args);
        Assert.Equal(2, code);
        Assert.StartsWith("formats: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_documents_every_tar_option_and_the_choice_between_zip_and_tar()
    {
        var (_, _, _, help) = await Run(null, "tar", "--help");
        foreach (var option in new[] { "--output", "--compress", "none", "gzip", "zstd", "--level", "--mtime", "--stdin-name", "--stdin-length" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        var (_, _, _, top) = await Run(null, "--help");
        Assert.Contains("Zip or tar?", top, StringComparison.Ordinal);
    }
}
