using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>
/// Encrypted archives against the readers that decrypt them: 7-Zip (AES-256 and ZipCrypto; stored, deflate and zstd),
/// bsdtar/libarchive (--passphrase), Info-ZIP unzip and Python's zipfile (ZipCrypto only; neither knows AES). Each
/// must extract with the right password and fail with a wrong one.
/// </summary>
public sealed class EncryptionInteropTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private const string Password = "correct horse";

    private readonly string _dir = Directory.CreateTempSubdirectory("formats-encrypt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Members in every form: compressed ahead, chunked, empty, of unknown length, pushed, declared, and a directory.</summary>
    private static Dictionary<string, byte[]> Contents(int bigLength) => new()
    {
        ["small.txt"] = SyntheticStream.Bytes(5_000, seed: 1, compressible: true),
        ["noise.bin"] = SyntheticStream.Bytes(70_000, seed: 2, compressible: false),
        ["big.txt"] = SyntheticStream.Bytes(bigLength, seed: 3, compressible: true),
        ["empty.txt"] = [],
        ["dir/unknown.txt"] = SyntheticStream.Bytes(200_001, seed: 4, compressible: true),
        ["dir/pushed.txt"] = SyntheticStream.Bytes(33_333, seed: 5, compressible: true),
        ["declared.txt"] = SyntheticStream.Bytes(12_345, seed: 6, compressible: true),
    };

    private async Task<(string Path, Dictionary<string, byte[]> Contents)> WriteAsync(string encryption, ZipCompressionMethod method, int bigLength = (3 * MiB) + 17)
    {
        var contents = Contents(bigLength);
        var path = Path.Combine(_dir, $"{encryption}-{method}.zip");
        await using var file = File.Create(path);
        await using var zip = new ZipArchiveWriter(file, new ZipWriterOptions
        {
            Method = method,
            MaxDegreeOfParallelism = 2,
            Encryption = encryption == "aes256" ? ZipEncryption.Aes256(Password) : ZipEncryption.ZipCrypto(Password),
        });
        await zip.AddEntryAsync(ArchiveEntry.Directory("dir"));
        foreach (var (name, content) in contents)
        {
            switch (name)
            {
                case "dir/unknown.txt":
                    await zip.AddEntryAsync(new ArchiveEntry(name), EntrySource.FromStream(new ForwardOnlyStream(content)));
                    break;
                case "dir/pushed.txt":
                    await using (var s = await zip.OpenEntryAsync(new ArchiveEntry(name)))
                    {
                        await s.WriteAsync(content);
                    }

                    break;
                case "declared.txt":
                    await zip.AddEntryAsync(new ArchiveEntry(name) { Crc32 = System.IO.Hashing.Crc32.HashToUInt32(content) }, EntrySource.FromBytes(content));
                    break;
                default:
                    await zip.AddEntryAsync(new ArchiveEntry(name), EntrySource.FromBytes(content));
                    break;
            }
        }

        await zip.CompleteAsync();
        return (path, contents);
    }

    private void AssertExtracted(string root, Dictionary<string, byte[]> contents)
    {
        foreach (var (name, content) in contents)
        {
            var path = Path.Combine(root, name);
            Assert.True(File.Exists(path), name);
            Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(path)), name);
        }
    }

    public static TheoryData<string, ZipCompressionMethod> AllMethods => new()
    {
        { "aes256", ZipCompressionMethod.Stored },
        { "aes256", ZipCompressionMethod.Deflate },
        { "aes256", ZipCompressionMethod.Zstandard },
        { "aes256", ZipCompressionMethod.Auto },
        { "zipcrypto", ZipCompressionMethod.Stored },
        { "zipcrypto", ZipCompressionMethod.Deflate },
        { "zipcrypto", ZipCompressionMethod.Zstandard },
    };

    [Theory]
    [MemberData(nameof(AllMethods))]
    public async Task SevenZip_tests_and_extracts_with_the_password_and_fails_with_a_wrong_one(string encryption, ZipCompressionMethod method)
    {
        var (path, contents) = await WriteAsync(encryption, method);
        var test = await ExternalTool.RunAsync("7zz", ["t", "-p" + Password, path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        var output = Path.Combine(_dir, "7zz-out");
        var extract = await ExternalTool.RunAsync("7zz", ["x", "-p" + Password, "-o" + output, path]);
        Assert.True(extract.ExitCode == 0, extract.Text + extract.Stderr);
        AssertExtracted(output, contents);
        var wrong = await ExternalTool.RunAsync("7zz", ["t", "-pwrong password", path]);
        Assert.NotEqual(0, wrong.ExitCode);
    }

    /// <summary>Members whose bytes arrive compressed already (raw, from a .gz, copied from a zip) go through the same cipher.</summary>
    [Theory]
    [InlineData("aes256")]
    [InlineData("zipcrypto")]
    public async Task Raw_gzip_and_copied_members_are_encrypted_and_7zip_and_bsdtar_decrypt_them(string encryption)
    {
        var text = SyntheticStream.Bytes(300_000, seed: 7, compressible: true);
        var deflated = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(deflated, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(text);
        }

        var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(text);
        }

        var source = new MemoryStream();
        await using (var plain = new ZipArchiveWriter(source, new ZipWriterOptions { Method = ZipCompressionMethod.Deflate }))
        {
            await plain.AddEntryAsync(new ArchiveEntry("copied.txt"), EntrySource.FromBytes(text));
            await plain.CompleteAsync();
        }

        var path = Path.Combine(_dir, $"raw-{encryption}.zip");
        await using (var file = File.Create(path))
        await using (var zip = new ZipArchiveWriter(file, new ZipWriterOptions
        {
            Encryption = encryption == "aes256" ? ZipEncryption.Aes256(Password) : ZipEncryption.ZipCrypto(Password),
        }))
        {
            var crc = System.IO.Hashing.Crc32.HashToUInt32(text);
            await zip.AddRawEntryAsync(new ArchiveEntry("raw.txt"), new ZipRawContent(ZipCompressionMethod.Deflate, crc, deflated.Length, text.Length), EntrySource.FromBytes(deflated.ToArray()));
            await zip.AddRawEntryAsync(new ArchiveEntry("raw-stored.txt"), new ZipRawContent(ZipCompressionMethod.Stored, crc, text.Length, text.Length), EntrySource.FromBytes(text));
            await zip.AddGzipEntryAsync(new ArchiveEntry("gzip.txt"), EntrySource.FromBytes(gzipped.ToArray()));
            source.Position = 0;
            var archive = await Formats.Zip.Sources.ZipSourceArchive.OpenAsync(source);
            await zip.CopyEntryAsync(archive, archive.Entries.Single());
            await zip.CompleteAsync();
        }

        var contents = new Dictionary<string, byte[]> { ["raw.txt"] = text, ["raw-stored.txt"] = text, ["gzip.txt"] = text, ["copied.txt"] = text };
        var test = await ExternalTool.RunAsync("7zz", ["t", "-p" + Password, path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        var output = Path.Combine(_dir, "7zz-raw");
        var extract = await ExternalTool.RunAsync("7zz", ["x", "-p" + Password, "-o" + output, path]);
        Assert.True(extract.ExitCode == 0, extract.Text + extract.Stderr);
        AssertExtracted(output, contents);
        var bsdtarOut = Directory.CreateDirectory(Path.Combine(_dir, "bsdtar-raw")).FullName;
        var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-xf", path, "--passphrase", Password, "-C", bsdtarOut]);
        Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
        AssertExtracted(bsdtarOut, contents);
        var wrong = await ExternalTool.RunAsync("7zz", ["t", "-pwrong password", path]);
        Assert.NotEqual(0, wrong.ExitCode);
    }

    /// <summary>libarchive 3.6 decrypts stored and deflated members, not zstd ones ("Unknown frame descriptor": it inflates the encrypted bytes).</summary>
    public static TheoryData<string, ZipCompressionMethod> LibarchiveMethods => new()
    {
        { "aes256", ZipCompressionMethod.Stored },
        { "aes256", ZipCompressionMethod.Deflate },
        { "aes256", ZipCompressionMethod.Auto },
        { "zipcrypto", ZipCompressionMethod.Stored },
        { "zipcrypto", ZipCompressionMethod.Deflate },
    };

    [Theory]
    [MemberData(nameof(LibarchiveMethods))]
    public async Task Bsdtar_extracts_with_the_passphrase_and_fails_with_a_wrong_one(string encryption, ZipCompressionMethod method)
    {
        var (path, contents) = await WriteAsync(encryption, method);
        var output = Directory.CreateDirectory(Path.Combine(_dir, "bsdtar-out")).FullName;
        var extract = await ExternalTool.RunAsync("bsdtar", ["-xf", path, "--passphrase", Password, "-C", output]);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        AssertExtracted(output, contents);
        var wrongOut = Directory.CreateDirectory(Path.Combine(_dir, "bsdtar-wrong")).FullName;
        var wrong = await ExternalTool.RunAsync("bsdtar", ["-xf", path, "--passphrase", "wrong password", "-C", wrongOut]);
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Stored)]
    [InlineData(ZipCompressionMethod.Deflate)]
    public async Task Unzip_and_python_read_zipcrypto_with_the_password_and_fail_with_a_wrong_one(ZipCompressionMethod method)
    {
        var (path, contents) = await WriteAsync("zipcrypto", method);
        var test = await ExternalTool.RunAsync("unzip", ["-t", "-P", Password, path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        var wrong = await ExternalTool.RunAsync("unzip", ["-t", "-P", "wrong password", path]);
        Assert.NotEqual(0, wrong.ExitCode);

        var check = await ExternalTool.RunAsync("python3", ["-c", PythonCheck, path, Password]);
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Equal(contents.Count, int.Parse(check.Text.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        var pythonWrong = await ExternalTool.RunAsync("python3", ["-c", PythonCheck, path, "wrong password"]);
        Assert.NotEqual(0, pythonWrong.ExitCode);
    }

    /// <summary>Reads every file member with the password, checks its CRC-32 (zipfile does), prints how many.</summary>
    private const string PythonCheck = """
        import sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        n = 0
        for i in z.infolist():
            if not i.is_dir():
                assert i.flag_bits & 1
                z.read(i, pwd=sys.argv[2].encode())
                n += 1
        print(n)
        """;

    [Fact]
    public async Task Unzip_does_not_read_aes_which_the_docs_say()
    {
        var (path, _) = await WriteAsync("aes256", ZipCompressionMethod.Deflate);
        var test = await ExternalTool.RunAsync("unzip", ["-t", "-P", Password, path]);
        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("need PK compat. v5.1", test.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Deflate)]
    [InlineData(ZipCompressionMethod.Stored)]
    public async Task Member_of_100_MiB_encrypted_with_aes_is_read_by_7zip_and_bsdtar(ZipCompressionMethod method)
    {
        var (path, contents) = await WriteAsync("aes256", method, bigLength: 100 * MiB);
        var test = await ExternalTool.RunAsync("7zz", ["t", "-p" + Password, path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        var output = Directory.CreateDirectory(Path.Combine(_dir, "large-out")).FullName;
        var extract = await ExternalTool.RunAsync("bsdtar", ["-xf", path, "--passphrase", Password, "-C", output]);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        AssertExtracted(output, contents);
    }
}
