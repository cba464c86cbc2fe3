namespace Formats.InteropTests;

/// <summary>
/// The real <c>formats</c> process writing to a pipe and to a file (issue 23): standard input of known and unknown
/// length, multi-member gzip files under --raw-from-gzip, ZipCrypto; read by unzip, 7-Zip, bsdtar and Java's
/// ZipInputStream.
/// </summary>
public sealed class CliPipeFileInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-pipefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Formats => Path.Combine(AppContext.BaseDirectory, "formats");

    private static string JavaChecker => Path.Combine(AppContext.BaseDirectory, "checkers", "ZipCheck.java");

    private static readonly byte[] Input = SyntheticStream.Bytes(150_000, seed: 9);

    /// <summary>Runs formats (with <see cref="Input"/> piped in when '-' is a SOURCE); the archive, from standard output (<paramref name="toFile"/> false) or from -o.</summary>
    private async Task<string> ZipAsync(string name, bool toFile, params string[] args)
    {
        var input = Path.Combine(_dir, "input.bin");
        await File.WriteAllBytesAsync(input, Input);
        var path = Path.Combine(_dir, name);
        string[] all = ["zip", "--quiet", "--mtime", "2024-01-01T00:00:00Z", .. args, .. toFile ? ["-o", path] : Array.Empty<string>()];
        var run = await ExternalTool.RunAsync(Formats, all, stdinFile: args.Contains("-") ? input : null, timeoutSeconds: 120);
        Assert.True(run.ExitCode == 0, $"formats {string.Join(' ', all)}: exit {run.ExitCode}: {run.Stderr}");
        if (!toFile)
        {
            await File.WriteAllBytesAsync(path, run.Stdout);
        }

        return path;
    }

    private static async Task UnzipTestsAsync(string path, params string[] password)
    {
        var test = await ExternalTool.RunAsync("unzip", ["-t", .. password, path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        Assert.Contains("No errors detected", test.Text, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool, bool> StandardInputCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var method in new[] { "stored", "auto", "deflate" })
        {
            foreach (var toFile in new[] { false, true })
            {
                data.Add(method, toFile, true);
                data.Add(method, toFile, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StandardInputCases))]
    public async Task Unzip_tests_standard_input_with_and_without_its_length(string method, bool toFile, bool lengthGiven)
    {
        var path = await ZipAsync("stdin.zip", toFile, ["--method", method, "--stdin-name", "in.bin", .. lengthGiven ? ["--stdin-length", "150000"] : Array.Empty<string>(), "-"]);
        await UnzipTestsAsync(path);
        var content = await ExternalTool.RunAsync("unzip", ["-p", path, "in.bin"]);
        Assert.Equal(Input, content.Stdout);
    }

    public static TheoryData<string, bool, bool> EveryMethodCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var method in new[] { "stored", "auto", "deflate", "zstd" })
        {
            foreach (var toFile in new[] { false, true })
            {
                data.Add(method, toFile, true);
                data.Add(method, toFile, false);
            }
        }

        return data;
    }

    /// <summary>Unzip cannot read zstd (method 93); 7-Zip and bsdtar read every method --method offers.</summary>
    [Theory]
    [MemberData(nameof(EveryMethodCases))]
    public async Task SevenZip_and_bsdtar_read_standard_input_of_every_method_with_and_without_its_length(string method, bool toFile, bool lengthGiven)
    {
        var path = await ZipAsync("stdin.zip", toFile, ["--method", method, "--stdin-name", "in.bin", .. lengthGiven ? ["--stdin-length", "150000"] : Array.Empty<string>(), "-"]);
        var test = await ExternalTool.RunAsync("7zz", ["t", path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        Assert.Contains("Everything is Ok", test.Text, StringComparison.Ordinal);
        var sevenZip = await ExternalTool.RunAsync("7zz", ["x", "-so", path, "in.bin"]);
        Assert.True(sevenZip.ExitCode == 0, sevenZip.Stderr);
        Assert.Equal(Input, sevenZip.Stdout);
        var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-xOf", path, "in.bin"]);
        Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
        Assert.Equal("", bsdtar.Stderr);
        Assert.Equal(Input, bsdtar.Stdout);
    }

    /// <summary>
    /// AES-256 (AE-2, no CRC-32 recorded) over standard input: stored of known length has its sizes up front and no
    /// descriptor, as --help says; bsdtar does not decrypt zstd, so stored and deflate.
    /// </summary>
    [Theory]
    [InlineData("stored", false, true)]
    [InlineData("stored", false, false)]
    [InlineData("stored", true, true)]
    [InlineData("stored", true, false)]
    [InlineData("deflate", false, true)]
    [InlineData("deflate", true, false)]
    public async Task SevenZip_and_bsdtar_read_aes256_standard_input_to_a_pipe_and_to_a_file(string method, bool toFile, bool lengthGiven)
    {
        var password = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(password, "secret\n");
        var path = await ZipAsync("aes.zip", toFile, ["--encrypt", "aes256", "--password-file", password, "--method", method, "--stdin-name", "in.bin", .. lengthGiven ? ["--stdin-length", "150000"] : Array.Empty<string>(), "-"]);
        var entry = Assert.Single(ZipInspector.Inspect(await File.ReadAllBytesAsync(path)).Entries);
        Assert.Equal(method == "stored" && lengthGiven ? 0 : lengthGiven ? 16 : 24, entry.DescriptorLength);
        var test = await ExternalTool.RunAsync("7zz", ["t", "-psecret", path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        Assert.Equal(Input, (await ExternalTool.RunAsync("7zz", ["x", "-so", "-psecret", path, "in.bin"])).Stdout);
        var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-xOf", path, "--passphrase", "secret", "in.bin"]);
        Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
        Assert.Equal(Input, bsdtar.Stdout);
    }

    /// <summary>
    /// What docs/interop.md tells Java users: unencrypted standard input of known length has a 16-byte descriptor
    /// whatever the method, which ZipInputStream reads after deflate data (deflate, and auto when it deflates) and refuses after
    /// stored data.
    /// </summary>
    [Theory]
    [InlineData("deflate", false)]
    [InlineData("deflate", true)]
    [InlineData("auto", false)]
    [InlineData("auto", true)]
    [InlineData("stored", false)]
    [InlineData("stored", true)]
    public async Task Java_streams_standard_input_of_known_length_when_deflated_and_refuses_it_stored(string method, bool toFile)
    {
        var path = await ZipAsync("stdin.zip", toFile, ["--method", method, "--stdin-name", "in.bin", "--stdin-length", "150000", "-"]);
        var entry = Assert.Single(ZipInspector.Inspect(await File.ReadAllBytesAsync(path)).Entries);
        Assert.Equal(16, entry.DescriptorLength);
        var run = await ExternalTool.RunAsync("java", [JavaChecker, path, "stream"]);
        if (method == "stored")
        {
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("only DEFLATED entries can have EXT descriptor", run.Stderr, StringComparison.Ordinal);
        }
        else
        {
            // Auto deflates this compressible input.
            Assert.Equal(8, entry.Local.CompressionMethod);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(["in.bin\t150000\t" + System.IO.Hashing.Crc32.HashToUInt32(Input).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)], run.Lines.Select(l => string.Join('\t', l.Split('\t')[..3])));
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public async Task Unzip_tests_zipcrypto_stored_standard_input(bool toFile, bool lengthGiven)
    {
        var password = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(password, "secret\n");
        var path = await ZipAsync("crypto.zip", toFile, ["--encrypt", "zipcrypto", "--password-file", password, "--method", "stored", .. lengthGiven ? ["--stdin-length", "150000"] : Array.Empty<string>(), "-"]);
        await UnzipTestsAsync(path, "-P", "secret");
        Assert.Equal(Input, (await ExternalTool.RunAsync("unzip", ["-p", "-P", "secret", path])).Stdout);
    }

    /// <summary>A folder with a plain file and a gzip of two members (cat a.gz b.gz), as gzip -n makes them.</summary>
    private async Task<string> GzipFolderAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "logs")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.txt"), SyntheticStream.Bytes(40_000, seed: 1));
        var first = Path.Combine(_dir, "one.gz");
        var second = Path.Combine(_dir, "two.gz");
        await File.WriteAllBytesAsync(Path.Combine(_dir, "one"), SyntheticStream.Bytes(30_000, seed: 2));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "two"), SyntheticStream.Bytes(20_000, seed: 3));
        foreach (var part in new[] { "one", "two" })
        {
            var gzip = await ExternalTool.RunAsync("gzip", ["-n", "-k", "-f", Path.Combine(_dir, part)]);
            Assert.True(gzip.ExitCode == 0, gzip.Stderr);
        }

        await File.WriteAllBytesAsync(Path.Combine(folder, "multi.log.gz"), [.. await File.ReadAllBytesAsync(first), .. await File.ReadAllBytesAsync(second)]);
        return folder;
    }

    [Fact]
    public async Task Multi_member_gzip_stored_gives_the_same_bytes_to_a_pipe_and_a_file_and_java_streams_it()
    {
        var folder = await GzipFolderAsync();
        string[] args = ["--raw-from-gzip", "--method", "stored", folder];
        var piped = await ZipAsync("piped.zip", toFile: false, args);
        var filed = await ZipAsync("filed.zip", toFile: true, args);
        Assert.Equal(await File.ReadAllBytesAsync(filed), await File.ReadAllBytesAsync(piped));

        foreach (var path in new[] { piped, filed })
        {
            var run = await ExternalTool.RunAsync("java", [JavaChecker, path, "stream"]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(["logs/\t0", "logs/a.txt\t40000", "logs/multi.log\t50000"], run.Lines.Select(l => string.Join('\t', l.Split('\t')[..2])));
            await UnzipTestsAsync(path);
        }

        var multi = ZipInspector.Inspect(await File.ReadAllBytesAsync(filed)).Entries.Single(e => e.Name == "logs/multi.log");
        Assert.Equal(0, multi.DescriptorLength);
    }

    [Fact]
    public async Task ZipCrypto_stored_files_have_the_same_layout_to_a_pipe_and_a_file()
    {
        var folder = await GzipFolderAsync();
        var password = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(password, "secret\n");
        string[] args = ["--encrypt", "zipcrypto", "--password-file", password, "--method", "stored", folder];
        var piped = ZipInspector.Inspect(await File.ReadAllBytesAsync(await ZipAsync("piped.zip", toFile: false, args))).Entries;
        var filedPath = await ZipAsync("filed.zip", toFile: true, args);
        var filed = ZipInspector.Inspect(await File.ReadAllBytesAsync(filedPath)).Entries;

        // Salts differ on every run; flags, header CRCs, sizes and offsets do not.
        Assert.Equal(
            piped.Select(e => (e.Name, e.Local.GeneralPurposeBitFlag, e.Local.Crc32, e.CompressedSize, e.LocalHeaderOffset, e.DescriptorLength)),
            filed.Select(e => (e.Name, e.Local.GeneralPurposeBitFlag, e.Local.Crc32, e.CompressedSize, e.LocalHeaderOffset, e.DescriptorLength)));
        Assert.All(filed.Where(e => !e.Name.EndsWith('/')), e => Assert.Equal(0, e.DescriptorLength));
        await UnzipTestsAsync(filedPath, "-P", "secret");
    }
}
