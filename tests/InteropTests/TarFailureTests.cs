using Formats.Tar;

namespace Formats.InteropTests;

/// <summary>
/// A tar whose writer failed must never read as complete: GNU tar, bsdtar and Python's tarfile each take the end of
/// input at a header boundary for the end of the archive, so the writer marks an abort there (docs/format-decisions.md).
/// </summary>
public sealed class TarFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-tar-failure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EntrySource Failing() => EntrySource.FromDelegate((_, _) => throw new IOException("upstream went away"));

    /// <summary>Members that end on a block boundary and push their bytes out, then a member whose source fails, as named.</summary>
    private async Task<string> WriteFailedAsync(string failure)
    {
        var path = Path.Combine(_dir, $"failed-{failure}.tar");
        await using var file = File.Create(path);
        var tar = new TarArchiveWriter(file);
        var time = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await tar.AddEntryAsync(new ArchiveEntry("first.bin") { LastModified = time }, EntrySource.FromBytes(SyntheticStream.Bytes(300 * 1024)));
        switch (failure)
        {
            case "open":
                await Assert.ThrowsAsync<ArchiveException>(async () => await tar.AddEntryAsync(new ArchiveEntry("second.bin") { Length = 10 }, Failing()));
                break;
            case "after-empty-members":
                await tar.AddEntryAsync(new ArchiveEntry("empty") { LastModified = time });
                await tar.AddEntryAsync(ArchiveEntry.Directory("dir", time));
                await Assert.ThrowsAsync<ArchiveException>(async () => await tar.AddEntryAsync(new ArchiveEntry("second.bin") { Length = 10 }, Failing()));
                break;
            case "mid-data":
                await Assert.ThrowsAsync<ArchiveException>(async () =>
                    await tar.AddEntryAsync(new ArchiveEntry("second.bin") { Length = 400 * 1024 }, EntrySource.FromStream(new SyntheticStream(400 * 1024, failAfter: 200 * 1024))));
                break;
            case "before-anything":
                await tar.DisposeAsync();
                return path;
        }

        await tar.DisposeAsync();
        return path;
    }

    public static TheoryData<string> Failures => new() { "open", "after-empty-members", "mid-data", "before-anything" };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Gnu_tar_reports_an_aborted_archive_as_an_error(string failure)
    {
        var path = await WriteFailedAsync(failure);
        var list = await ExternalTool.RunAsync("tar", ["-tvf", path]);
        Assert.NotEqual(0, list.ExitCode);
        var extract = await ExternalTool.RunAsync("tar", ["-xOf", "-"], stdinFile: path);
        Assert.NotEqual(0, extract.ExitCode);
        Assert.NotEqual("", extract.Stderr);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Bsdtar_reports_an_aborted_archive_as_an_error(string failure)
    {
        var path = await WriteFailedAsync(failure);
        var list = await ExternalTool.RunAsync("bsdtar", ["-tvf", path]);
        Assert.NotEqual(0, list.ExitCode);
        var extract = await ExternalTool.RunAsync("bsdtar", ["-xOf", "-"], stdinFile: path);
        Assert.NotEqual(0, extract.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Python_tarfile_reports_an_aborted_archive_as_an_error(string failure)
    {
        var path = await WriteFailedAsync(failure);
        var run = await ExternalTool.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "checkers", "tarcheck.py"), path]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Error", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_cut_at_a_boundary_without_the_marker_is_what_the_readers_accept()
    {
        // The reason for the marker: the same bytes without it pass all three readers.
        var path = await WriteFailedAsync("open");
        var bytes = await File.ReadAllBytesAsync(path);
        var cut = Path.Combine(_dir, "cut.tar");
        await File.WriteAllBytesAsync(cut, bytes[..^512]);
        Assert.Equal(0, (await ExternalTool.RunAsync("tar", ["-tf", cut])).ExitCode);
        Assert.Equal(0, (await ExternalTool.RunAsync("bsdtar", ["-tf", cut])).ExitCode);
        Assert.Equal(0, (await ExternalTool.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "checkers", "tarcheck.py"), cut])).ExitCode);
    }

    [Fact]
    public async Task Flipped_byte_in_a_tar_zst_fails_zstd_and_tar()
    {
        var path = Path.Combine(_dir, "flip.tar.zst");
        await using (var file = File.Create(path))
        await using (var tar = new TarArchiveWriter(file, new TarWriterOptions { Compression = TarCompression.Zstandard }))
        {
            // Incompressible content goes into raw blocks, where a flipped byte is not a decoding error by itself.
            await tar.AddEntryAsync(new ArchiveEntry("noise.bin"), EntrySource.FromBytes(SyntheticStream.Bytes(200_000, compressible: false)));
            await tar.CompleteAsync();
        }

        Assert.Equal(0, (await ExternalTool.RunAsync("zstd", ["-t", path])).ExitCode);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[100_000] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.NotEqual(0, (await ExternalTool.RunAsync("zstd", ["-t", path])).ExitCode);
        Assert.NotEqual(0, (await ExternalTool.RunAsync("tar", ["--zstd", "-xOf", path])).ExitCode);
    }
}
