using Formats.Cli;

namespace Formats.Cli.Tests;

public sealed class CliZipTests : CliTestBase
{
    private string MakeTree()
    {
        var docs = Path.Combine(Dir, "docs");
        Directory.CreateDirectory(Path.Combine(docs, "sub"));
        File.WriteAllText(Path.Combine(docs, "b.txt"), "bee");
        File.WriteAllText(Path.Combine(docs, "a.txt"), "ay");
        File.WriteAllText(Path.Combine(docs, "sub", "c.txt"), "sea");
        File.CreateSymbolicLink(Path.Combine(docs, "sub", "link"), "../a.txt");
        return docs;
    }

    [Fact]
    public async Task Directory_source_yields_names_relative_to_its_parent_in_name_order()
    {
        var docs = MakeTree();
        var output = Path.Combine(Dir, "out.zip");
        var (code, _, stderr, _) = await Run(null, "zip", docs, "-o", output);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var entries = ZipInspector.Inspect(File.ReadAllBytes(output)).Entries;
        Assert.Equal(["docs/", "docs/a.txt", "docs/b.txt", "docs/sub/", "docs/sub/c.txt", "docs/sub/link"], entries.Select(e => e.Name));
        Assert.Equal(0xA000u, (entries[5].Central.ExternalFileAttributes >> 16) & 0xF000);
        Assert.Equal("bee", System.Text.Encoding.UTF8.GetString(ZipTestHelpers.ReadWithSystemIoCompression(File.ReadAllBytes(output))["docs/b.txt"]));
        Assert.Empty(Directory.GetFiles(Dir, "*.partial"));
    }

    [Fact]
    public async Task Stdin_source_is_named_by_stdin_name_and_written_to_stdout()
    {
        var (code, zip, _, _) = await Run(new MemoryStream("piped"u8.ToArray()), "zip", "--stdin-name", "in/put.txt", "-");
        Assert.Equal(0, code);
        Assert.Equal("piped"u8.ToArray(), ZipTestHelpers.ReadWithSystemIoCompression(zip)["in/put.txt"]);
    }

    [Fact]
    public async Task Stdin_with_stdin_length_is_a_known_length_member_with_a_16_byte_descriptor()
    {
        var (code, zip, stderr, _) = await Run(new MemoryStream("piped"u8.ToArray()), "zip", "--stdin-length", "5", "--stdin-name", "p.txt", "-");
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(16, entry.DescriptorLength);
        Assert.False(entry.LocalExtras.ContainsKey(0x0001));
        Assert.Equal("piped"u8.ToArray(), ZipTestHelpers.ReadWithSystemIoCompression(zip)["p.txt"]);

        var (unknownCode, unknown, _, _) = await Run(new SyntheticStream(5), "zip", "-");
        Assert.Equal(0, unknownCode);
        Assert.Equal(24, Assert.Single(ZipInspector.Inspect(unknown).Entries).DescriptorLength);
    }

    [Fact]
    public async Task Stdin_longer_than_its_stated_length_fails_naming_the_entry()
    {
        var (code, zip, stderr, _) = await Run(new MemoryStream("piped!"u8.ToArray()), "zip", "--stdin-length", "5", "-");
        Assert.Equal(1, code);
        Assert.Contains("entry 'stdin'", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.False(ZipTestHelpers.ContainsCentralDirectory(zip));
    }

    [Fact]
    public async Task Failing_source_prints_one_line_naming_the_entry_and_leaves_no_file_at_path()
    {
        var output = Path.Combine(Dir, "out.zip");
        var (code, _, stderr, _) = await Run(new SyntheticStream(1_000_000, failAfter: 500_000), "zip", "-", "--stdin-name", "broken.bin", "-o", output);
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("entry 'broken.bin'", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Fact]
    public async Task Failing_run_leaves_an_existing_file_at_path_untouched()
    {
        var output = Path.Combine(Dir, "keep.zip");
        File.WriteAllText(output, "precious");
        var (code, _, _, _) = await Run(new SyntheticStream(100, failAfter: 50), "zip", "-", "-o", output);
        Assert.Equal(1, code);
        Assert.Equal("precious", File.ReadAllText(output));
        Assert.Single(Directory.GetFiles(Dir));
    }

    [Fact]
    public async Task Failing_run_on_stdout_writes_no_end_records()
    {
        var (code, stdout, stderr, _) = await Run(new SyntheticStream(1_000_000, failAfter: 600_000), "zip", "--method", "stored", "-");
        Assert.Equal(1, code);
        Assert.NotEmpty(stdout);
        Assert.False(ZipTestHelpers.ContainsCentralDirectory(stdout));
        Assert.Contains("entry 'stdin'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Device_output_is_written_in_place_and_never_replaced()
    {
        var docs = MakeTree();
        var (code, _, stderr, _) = await Run(null, "zip", docs, "-o", "/dev/null");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(UnixFileType.Kind.Other, UnixFileType.Of("/dev/null"));
    }

    [Fact]
    public async Task Mtime_makes_the_output_reproducible()
    {
        var docs = MakeTree();
        var first = await Run(null, "zip", docs, "--mtime", "2024-01-02T03:04:05Z");
        File.SetLastWriteTimeUtc(Path.Combine(docs, "a.txt"), DateTime.UtcNow.AddDays(-3));
        var second = await Run(null, "zip", docs, "--mtime", "2024-01-02T03:04:05Z");
        Assert.Equal(first.Stdout, second.Stdout);
        var e = ZipInspector.Inspect(first.Stdout).Entries[1];
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds(), BitConverter.ToInt32(e.CentralExtras[0x5455], 1));
    }

    [Fact]
    public async Task Method_level_and_zip64_options_reach_the_archive()
    {
        var docs = MakeTree();
        var (code, zip, _, _) = await Run(null, "zip", "--method", "stored", "--zip64", "always", "--level", "0", docs);
        Assert.Equal(0, code);
        var archive = ZipInspector.Inspect(zip);
        Assert.NotNull(archive.Zip64End);
        Assert.All(archive.Entries, e => Assert.Equal(0, e.Central.CompressionMethod));
    }

    [Fact]
    public async Task Output_file_inside_the_sourceDirectory_is_not_archived_into_itself()
    {
        var docs = MakeTree();
        var output = Path.Combine(docs, "self.zip");
        File.WriteAllText(output, "old");
        Assert.Equal(0, (await Run(null, "zip", docs, "-o", output)).Code);
        Assert.DoesNotContain(ZipInspector.Inspect(File.ReadAllBytes(output)).Entries, e => e.Name.EndsWith("self.zip", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("zip", "--method", "lzma", "x")]
    [InlineData("zip", "--level", "11", "x")]
    [InlineData("zip", "--zip64", "maybe", "x")]
    [InlineData("zip", "--mtime", "yesterday", "x")]
    [InlineData("zip", "--bogus", "x")]
    [InlineData("zip", "--stdin-length", "five", "-")]
    [InlineData("zip", "/no/such/file")]
    [InlineData("unzip")]
    public async Task Wrong_command_line_exits_2_with_one_line(params string[] args)
    {
        var (code, stdout, stderr, _) = await Run(null, args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("formats: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Help_documents_every_option()
    {
        var (code, _, _, help) = await Run(null, "zip", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--output", "-o", "--method", "--level", "--zip64", "--mtime", "--stdin-name", "--stdin-length", "stored", "deflate", "zstd", "fastest", "optimal", "smallest", "auto", "always", "never" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        var (_, _, _, top) = await Run(null, "--help");
        Assert.Contains("zip", top, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_says_a_pipe_and_a_file_get_the_same_bytes_and_when_standard_input_has_no_descriptor()
    {
        var (code, _, _, help) = await Run(null, "zip", "--help");
        Assert.Equal(0, code);
        var text = string.Join(' ', help.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("A pipe and a file get the same bytes, whatever the method and SOURCEs; encrypted archives differ only in their random salts", text, StringComparison.Ordinal);
        Assert.Contains("unless --stdin-length is 0, or is given for a stored member under --encrypt aes256", text, StringComparison.Ordinal);
        Assert.Contains("under --encrypt aes256 its sizes only, as AE-2 records no CRC-32", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stored")]
    [InlineData("auto")]
    public async Task A_stored_zip_to_a_file_has_the_bytes_of_the_one_to_a_pipe_with_crcs_in_its_headers(string method)
    {
        var docs = MakeTree();
        File.WriteAllBytes(Path.Combine(docs, "big.bin"), SyntheticStream.Bytes(3_000_000, 5, compressible: false));
        var output = Path.Combine(Dir, "out.zip");
        var (code, _, stderr, _) = await Run(null, "zip", "--method", method, docs, "-o", output);
        Assert.True(code == 0, stderr);
        // Standard output as a pipe: not seekable, so each file is read first for its CRC-32.
        var pipe = new AsyncOnlyStream();
        var io = new StandardStreams(() => Stream.Null, () => pipe, new StringWriter(), new StringWriter());
        Assert.Equal(0, await CliApp.RunAsync(["zip", "--method", method, docs], io, CancellationToken.None));
        var piped = pipe.ToArray();
        var written = File.ReadAllBytes(output);
        Assert.Equal(piped, written);
        Assert.All(ZipInspector.Inspect(written).Entries, e => Assert.Equal(0, e.DescriptorLength));
    }
}
