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
        foreach (var option in new[] { "--output", "--compress", "none", "gzip", "zstd", "--level", "--mtime", "--stdin-name", "--stdin-length", "--sparse", "GNU.sparse 1.0", "character and block devices" })
        {
            Assert.Contains(option, help, StringComparison.OrdinalIgnoreCase);
        }

        var (_, _, _, top) = await Run(null, "--help");
        Assert.Contains("Zip or tar?", top, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devices_in_a_folder_become_tar_devices_with_stat_s_major_and_minor_numbers()
    {
        var dev = Path.Combine(Dir, "dev");
        Directory.CreateDirectory(dev);
        MakeNode(Path.Combine(dev, "null"), "c", 1, 3);
        MakeNode(Path.Combine(dev, "loop9"), "b", 7, 300);
        var (code, tar, stderr, _) = await Run(null, "tar", dev);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        var members = TarInspector.Inspect(tar);
        Assert.Equal(["dev/", "dev/loop9", "dev/null"], members.Select(m => m.Path));
        Assert.Equal([(byte)'5', (byte)'4', (byte)'3'], members.Select(m => m.Header.TypeFlag));
        Assert.Equal([null, 7L, 1L], members.Select(m => m.Header.DevMajor));
        Assert.Equal([null, 300L, 3L], members.Select(m => m.Header.DevMinor));

        // zip has no device entries: the walk leaves them out, one warning each.
        var (zipCode, _, zipErrors, _) = await Run(null, "zip", dev);
        Assert.Equal(0, zipCode);
        Assert.Equal(2, zipErrors.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("'dev/null' skipped: a character device", zipErrors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sparse_writes_files_with_holes_as_gnu_sparse_and_the_size_command_agrees()
    {
        var disks = Path.Combine(Dir, "disks");
        Directory.CreateDirectory(disks);
        var data = SyntheticStream.Bytes(65536, 1);
        SparseFiles.Create(Path.Combine(disks, "sparse.img"), 1L << 30, (512L << 20, data));
        File.WriteAllText(Path.Combine(disks, "plain.txt"), "no holes");

        var (code, tar, stderr, _) = await Run(null, "tar", "--sparse", "--mtime", "2024-01-01T00:00:00Z", disks);
        Assert.True(code == 0, stderr);
        Assert.True(tar.Length < 100_000, $"{tar.Length} bytes for 64 KiB of data");
        var members = TarInspector.Inspect(tar);
        Assert.Equal(["disks/", "disks/plain.txt", "disks/GNUSparseFile.0/sparse.img"], members.Select(m => m.Path));
        Assert.False(members[1].Pax.ContainsKey("GNU.sparse.major"));
        Assert.Equal("disks/sparse.img", members[2].Pax["GNU.sparse.name"]);
        Assert.Equal(data, tar.AsSpan((int)members[2].DataOffset + 512, data.Length).ToArray());

        var (_, _, _, size) = await Run(null, "size", "tar", "--sparse", "--mtime", "2024-01-01T00:00:00Z", disks);
        Assert.Equal(tar.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), size.Trim());
    }

    private static void MakeNode(string path, string type, int major, int minor)
    {
        using var made = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mknod", [path, type, major.ToString(System.Globalization.CultureInfo.InvariantCulture), minor.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        Assert.True(made.WaitForExit(TimeSpan.FromSeconds(30)), "mknod did not finish");
        Assert.True(made.ExitCode == 0, "mknod needs root (the test runs as root in CI)");
    }
}
