using Formats.Tar;

namespace Formats.InteropTests;

/// <summary>The tar corpus, plain, gzip and zstd, through GNU tar, bsdtar and Python, with nothing on standard error.</summary>
public sealed class TarExtractorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-tar-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Decompress(TarCompression compression) => compression switch
    {
        TarCompression.Gzip => ["-z"],
        TarCompression.Zstandard => ["--zstd"],
        _ => [],
    };

    [Theory]
    [InlineData(TarCompression.None)]
    [InlineData(TarCompression.Gzip)]
    [InlineData(TarCompression.Zstandard)]
    public async Task Gnu_tar_lists_and_extracts_every_member_without_warnings(TarCompression compression)
    {
        var (path, members) = await TarInteropCorpus.WriteAsync(_dir, compression);
        var list = await ExternalTool.RunAsync("tar", [.. Decompress(compression), "--numeric-owner", "-tvf", path]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Equal("", list.Stderr);
        Assert.Equal(members.Count, list.Lines.Length);
        foreach (var (line, m) in list.Lines.Zip(members))
        {
            var suffix = m.Entry.Kind switch
            {
                EntryKind.SymbolicLink => $"{m.Name} -> {m.Entry.LinkTarget}",
                EntryKind.HardLink => $"{m.Name} link to {m.Entry.LinkTarget}",
                _ => m.Name,
            };
            Assert.EndsWith(suffix, line, StringComparison.Ordinal);
            Assert.StartsWith(m.Kind switch { "d" => "d", "l" => "l", "h" => "h", _ => "-" }, line, StringComparison.Ordinal);
        }

        Assert.Contains(list.Lines, l => l.Contains(" 2097152/4242 ", StringComparison.Ordinal));
        Assert.Contains(list.Lines, l => l.Contains(" 1969-07-20 20:17 times/1969.txt", StringComparison.Ordinal));
        Assert.Contains(list.Lines, l => l.Contains(" 2300-01-01 00:00 times/2300.txt", StringComparison.Ordinal));

        var extracted = await ExternalTool.RunAsync("tar", [.. Decompress(compression), "-xOf", path]);
        Assert.True(extracted.ExitCode == 0, extracted.Stderr);
        Assert.Equal("", extracted.Stderr);
        Assert.Equal(members.Where(m => m.Entry.Kind == EntryKind.File).SelectMany(m => m.Content), extracted.Stdout);
    }

    [Theory]
    [InlineData(TarCompression.None)]
    [InlineData(TarCompression.Gzip)]
    [InlineData(TarCompression.Zstandard)]
    public async Task Bsdtar_lists_and_extracts_every_member_without_warnings(TarCompression compression)
    {
        var (path, members) = await TarInteropCorpus.WriteAsync(_dir, compression);
        var list = await ExternalTool.RunAsync("bsdtar", ["-tvf", path]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Equal("", list.Stderr);
        Assert.Equal(members.Count, list.Lines.Length);
        foreach (var (line, m) in list.Lines.Zip(members))
        {
            Assert.Contains(m.Name, line, StringComparison.Ordinal);
        }

        var extracted = await ExternalTool.RunAsync("bsdtar", ["-xOf", "-"], stdinFile: path);
        Assert.True(extracted.ExitCode == 0, extracted.Stderr);
        Assert.Equal("", extracted.Stderr);
        Assert.Equal(members.Where(m => m.Entry.Kind == EntryKind.File).SelectMany(m => m.Content), extracted.Stdout);
    }

    [Theory]
    [InlineData(TarCompression.None)]
    [InlineData(TarCompression.Gzip)]
    public async Task Python_tarfile_reads_names_kinds_sizes_content_times_owners_links_and_modes(TarCompression compression)
    {
        var (path, members) = await TarInteropCorpus.WriteAsync(_dir, compression);
        var plain = path;
        if (compression != TarCompression.None)
        {
            plain = Path.Combine(_dir, "plain.tar");
            await File.WriteAllBytesAsync(plain, TarTestHelpers.Decompress(await File.ReadAllBytesAsync(path), compression));
        }

        var run = await ExternalTool.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "checkers", "tarcheck.py"), plain]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        Assert.Equal(members.Select(m => m.PythonLine), run.Lines);
    }
}
