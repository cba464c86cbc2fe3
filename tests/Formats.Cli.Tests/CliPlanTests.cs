namespace Formats.Cli.Tests;

public sealed class CliPlanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-cli-plan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, byte[] Stdout, string Stderr, string Out)> Run(params string[] args) =>
        CliRunner.RunAsync(new MemoryStream("stdin"u8.ToArray()), args);

    private string MakeTree()
    {
        var docs = Path.Combine(_dir, "docs");
        Directory.CreateDirectory(Path.Combine(docs, "sub"));
        File.WriteAllBytes(Path.Combine(docs, "a.bin"), SyntheticStream.Bytes(70_000, 1, compressible: false));
        File.WriteAllText(Path.Combine(docs, "sub", "c.txt"), "sea");
        return docs;
    }

    [Theory]
    [InlineData("zip", "--method", "stored")]
    [InlineData("zip", "--method", "stored", "--zip64", "always")]
    [InlineData("tar")]
    public async Task Size_prints_the_length_the_command_then_writes(params string[] format)
    {
        var docs = MakeTree();
        var (code, _, stderr, size) = await Run(["size", .. format, docs, "--mtime", "2024-01-01T00:00:00Z"]);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var (_, archive, _, _) = await Run([.. format, docs, "--mtime", "2024-01-01T00:00:00Z"]);
        Assert.Equal(archive.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), size.Trim());
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("zip", "--method", "zstd")]
    [InlineData("tar", "--compress", "gzip")]
    public async Task Size_of_a_compressed_archive_is_refused_with_the_reason(params string[] format)
    {
        var (code, _, stderr, size) = await Run(["size", .. format, MakeTree()]);
        Assert.Equal(1, code);
        Assert.Equal("", size);
        Assert.Contains("cannot be known in advance", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("zip", "--method", "stored")]
    [InlineData("tar")]
    public async Task Ranges_written_by_the_command_concatenate_to_the_full_archive(params string[] format)
    {
        var docs = MakeTree();
        var (_, full, _, _) = await Run([.. format, docs, "--mtime", "2024-01-01T00:00:00Z"]);
        var joined = new List<byte>();
        foreach (var range in new[] { "0-1", "1-40000", "40000-70100", "70100-" })
        {
            var (code, part, stderr, _) = await Run([.. format, docs, "--mtime", "2024-01-01T00:00:00Z", "--range", range]);
            Assert.True(code == 0, stderr);
            joined.AddRange(part);
        }

        Assert.Equal(full, joined.ToArray());
    }

    [Theory]
    [InlineData("zip", "--method", "stored", "--range", "0-10", "-")]
    [InlineData("zip", "--method", "stored", "--range", "ten-twenty", "x")]
    [InlineData("tar", "--range", "9-3", "x")]
    [InlineData("size")]
    [InlineData("size", "rar", "x")]
    public async Task Wrong_size_or_range_command_line_exits_2(params string[] args)
    {
        var (code, _, stderr, _) = await Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("formats: ", stderr.Length == 0 ? "formats: " : stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Range_beyond_the_archive_is_refused_before_writing()
    {
        var (code, stdout, stderr, _) = await Run("tar", MakeTree(), "--range", "0-99999999");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("not inside the archive", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_says_how_ranges_get_their_crcs()
    {
        var (_, _, _, help) = await Run("zip", "--help");
        Assert.Contains("--range", help, StringComparison.Ordinal);
        Assert.Contains("first", help, StringComparison.Ordinal);
        var (_, _, _, size) = await Run("size", "--help");
        Assert.Contains("--method stored", size, StringComparison.Ordinal);
    }
}
