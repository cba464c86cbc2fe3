using System.IO.Compression;
using Formats.Zip;

namespace Formats.Cli.Tests;

/// <summary>
/// Standard input as a real pipe into the real <c>formats</c> process, for every method, output and --stdin-length:
/// it is read once (never first for its CRC-32), so it gets a data descriptor, and a file gets the bytes a pipe gets.
/// </summary>
public sealed class CliStdinFormTests : CliTestBase
{
    private const int InputLength = 200_000;

    private static readonly byte[] Input = SyntheticStream.Bytes(InputLength, seed: 5);

    private static string Formats => Path.Combine(AppContext.BaseDirectory, "formats");

    public static TheoryData<string, bool> MethodsAndLengths => new()
    {
        { "stored", true }, { "stored", false }, { "auto", true }, { "auto", false },
        { "deflate", true }, { "deflate", false }, { "zstd", true }, { "zstd", false },
    };

    /// <summary>Runs formats with <see cref="Input"/> piped in; returns the archive from standard output, or from <paramref name="output"/>.</summary>
    private async Task<byte[]> ZipAsync(string? output, params string[] args)
    {
        var input = Path.Combine(Dir, "input.bin");
        await File.WriteAllBytesAsync(input, Input);
        string[] all = ["zip", "--quiet", "--mtime", "2024-01-01T00:00:00Z", .. args, .. output is null ? Array.Empty<string>() : ["-o", output]];
        var run = await ExternalTool.RunAsync(Formats, all, stdinFile: input, timeoutSeconds: 120);
        Assert.True(run.ExitCode == 0, $"formats {string.Join(' ', all)}: exit {run.ExitCode}: {run.Stderr}");
        return output is null ? run.Stdout : await File.ReadAllBytesAsync(output);
    }

    private static string[] LengthArgs(bool given) => given ? ["--stdin-length", InputLength.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];

    [Theory]
    [MemberData(nameof(MethodsAndLengths))]
    public async Task Standard_input_is_written_to_a_pipe_and_to_a_file_with_the_same_bytes_and_a_descriptor(string method, bool lengthGiven)
    {
        string[] args = ["--method", method, "--stdin-name", "in.bin", .. LengthArgs(lengthGiven), "-"];
        var piped = await ZipAsync(null, args);
        var filed = await ZipAsync(Path.Combine(Dir, "out.zip"), args);
        Assert.Equal(piped, filed);

        var entry = Assert.Single(ZipInspector.Inspect(piped).Entries);
        Assert.Equal(ZipConstants.FlagDataDescriptor, entry.Local.GeneralPurposeBitFlag & ZipConstants.FlagDataDescriptor);
        Assert.Equal(lengthGiven ? 16 : 24, entry.DescriptorLength);
        Assert.Equal(Input, method == "zstd" ? ReadWithSharpCompress(piped) : ReadWithZipArchive(piped));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_beside_standard_input_keeps_its_sizes_up_front_and_a_file_output_matches_the_pipe(bool lengthGiven)
    {
        var file = Path.Combine(Dir, "notes.txt");
        await File.WriteAllBytesAsync(file, SyntheticStream.Bytes(70_000, seed: 6));
        string[] args = ["--method", "stored", "--stdin-name", "in.bin", .. LengthArgs(lengthGiven), file, "-"];
        var piped = await ZipAsync(null, args);
        Assert.Equal(piped, await ZipAsync(Path.Combine(Dir, "out.zip"), args));
        var entries = ZipInspector.Inspect(piped).Entries;
        Assert.Equal(0, entries[0].Local.GeneralPurposeBitFlag & ZipConstants.FlagDataDescriptor);
        Assert.Equal(0, entries[0].DescriptorLength);
        Assert.Equal(ZipConstants.FlagDataDescriptor, entries[1].Local.GeneralPurposeBitFlag & ZipConstants.FlagDataDescriptor);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task ZipCrypto_stored_standard_input_is_written_with_a_descriptor_to_a_pipe_and_to_a_file(bool toFile, bool lengthGiven)
    {
        var password = Path.Combine(Dir, "password");
        await File.WriteAllTextAsync(password, "secret\n");
        var zip = await ZipAsync(toFile ? Path.Combine(Dir, "out.zip") : null, ["--encrypt", "zipcrypto", "--password-file", password, "--method", "stored", .. LengthArgs(lengthGiven), "-"]);
        var entry = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(ZipConstants.FlagDataDescriptor | ZipConstants.FlagEncrypted, entry.Local.GeneralPurposeBitFlag & (ZipConstants.FlagDataDescriptor | ZipConstants.FlagEncrypted));
        Assert.Equal(InputLength + 12, entry.CompressedSize);
    }

    [Theory]
    [InlineData("stored", false)]
    [InlineData("stored", true)]
    [InlineData("deflate", false)]
    [InlineData("zstd", true)]
    public async Task Empty_standard_input_of_length_0_has_no_descriptor_to_a_pipe_and_to_a_file(string method, bool toFile)
    {
        var empty = Path.Combine(Dir, "empty.bin");
        await File.WriteAllBytesAsync(empty, []);
        var output = Path.Combine(Dir, "empty.zip");
        string[] args = ["zip", "--quiet", "--method", method, "--stdin-length", "0", "-", .. toFile ? ["-o", output] : Array.Empty<string>()];
        var run = await ExternalTool.RunAsync(Formats, args, stdinFile: empty, timeoutSeconds: 120);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var entry = Assert.Single(ZipInspector.Inspect(toFile ? await File.ReadAllBytesAsync(output) : run.Stdout).Entries);
        Assert.Equal(0, entry.Local.GeneralPurposeBitFlag & ZipConstants.FlagDataDescriptor);
        Assert.Equal(0, entry.DescriptorLength);
    }

    [Fact]
    public async Task Standard_input_of_unknown_length_under_zip64_never_gets_a_16_byte_descriptor()
    {
        var zip = await ZipAsync(null, ["--zip64", "never", "--method", "deflate", "--stdin-name", "in.bin", "-"]);
        var entry = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(16, entry.DescriptorLength);
        Assert.Equal(Input, ReadWithZipArchive(zip));
    }

    private static byte[] ReadWithZipArchive(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var stream = Assert.Single(archive.Entries).Open();
        var content = new MemoryStream();
        stream.CopyTo(content);
        return content.ToArray();
    }

    private static byte[] ReadWithSharpCompress(byte[] zip)
    {
        using var archive = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new MemoryStream(zip));
        using var stream = Assert.Single(archive.Entries).OpenEntryStream();
        var content = new MemoryStream();
        stream.CopyTo(content);
        return content.ToArray();
    }
}
