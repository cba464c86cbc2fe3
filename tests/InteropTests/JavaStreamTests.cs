using Formats.Cli;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>
/// Java's ZipInputStream, the strictest forward-only reader people meet: which forms it takes, shown on archives the
/// library and the CLI write (docs/interop.md says the same).
/// </summary>
public sealed class JavaStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-java-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Checker => Path.Combine(AppContext.BaseDirectory, "checkers", "ZipCheck.java");

    private async Task<string> WriteAsync(string name, ZipWriterOptions options, params (string Name, EntrySource Source)[] members)
    {
        var path = Path.Combine(_dir, name);
        await using var file = File.Create(path);
        await using var zip = new ZipArchiveWriter(file, options);
        foreach (var (entry, source) in members)
        {
            await zip.AddEntryAsync(new ArchiveEntry(entry), source);
        }

        await zip.CompleteAsync();
        return path;
    }

    [Fact]
    public async Task Member_whose_length_is_known_only_when_opened_is_read()
    {
        // As a URL answered with Content-Length: the small form (no zip64 extra, 16-byte descriptor).
        var content = SyntheticStream.Bytes(5000);
        var told = EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new ForwardOnlyStream(content, content.Length)));
        var path = await WriteAsync("told.zip", new ZipWriterOptions(), ("told.bin", told), ("two.txt", EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new ForwardOnlyStream("hi"u8.ToArray(), 2)))));
        var run = await ExternalTool.RunAsync("java", [Checker, path, "stream"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["told.bin\t5000", "two.txt\t2"], run.Lines.Select(l => string.Join('\t', l.Split('\t')[..2])));
    }

    [Theory]
    [InlineData(Zip64Mode.Auto, false)]
    [InlineData(Zip64Mode.Always, true)]
    public async Task Jdk17_refuses_the_zip64_descriptor_of_a_truly_unknown_length_and_of_zip64_always(Zip64Mode zip64, bool knownLength)
    {
        // What docs/interop.md records: a member of unknown length (and every member under Zip64Mode.Always) gets the
        // zip64 local extra and a 24-byte descriptor (format-rules.md), which JDK 17's ZipInputStream rejects even for
        // 2 bytes; JDK 21 reads it.
        var source = knownLength ? EntrySource.FromBytes("hi"u8.ToArray()) : EntrySource.FromStream(new ForwardOnlyStream("hi"u8.ToArray()));
        var path = await WriteAsync($"zip64-{zip64}.zip", new ZipWriterOptions { Zip64 = zip64 }, ("two.txt", source));
        var version = await ExternalTool.RunAsync("java", ["-version"]);
        var run = await ExternalTool.RunAsync("java", [Checker, path, "stream"]);
        if (version.Stderr.Contains("version \"17.", StringComparison.Ordinal))
        {
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("invalid entry size", run.Stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(run.ExitCode == 0, run.Stderr);
        }
    }

    [Fact]
    public async Task Auto_zip_from_the_cli_holding_a_jpg_and_incompressible_data_is_read()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(source, "big.jpg"), SyntheticStream.Bytes(3 << 20, seed: 1, compressible: false));
        await File.WriteAllBytesAsync(Path.Combine(source, "small.jpg"), SyntheticStream.Bytes(20_000, seed: 2, compressible: false));
        await File.WriteAllBytesAsync(Path.Combine(source, "noise.bin"), SyntheticStream.Bytes(3 << 20, seed: 3, compressible: false));
        await File.WriteAllBytesAsync(Path.Combine(source, "notes.txt"), SyntheticStream.Bytes(300_000, seed: 4));
        var path = Path.Combine(_dir, "auto.zip");
        var stderr = new StringWriter();
        var io = new StandardStreams(() => Stream.Null, () => Stream.Null, stderr, new StringWriter());
        Assert.Equal(0, await CliApp.RunAsync(["zip", "--method", "auto", "--quiet", source, "-o", path], io, CancellationToken.None));
        var run = await ExternalTool.RunAsync("java", [Checker, path, "stream"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["photos/", "photos/big.jpg", "photos/noise.bin", "photos/notes.txt", "photos/small.jpg"], run.Lines.Select(l => l.Split('\t')[0]));
    }
}
