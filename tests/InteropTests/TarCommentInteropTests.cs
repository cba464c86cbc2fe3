using System.Formats.Tar;
using Formats.Tar;

namespace Formats.InteropTests;

/// <summary>Tar entry comments (pax 'comment') across readers: one line is read everywhere; a line feed breaks .NET's TarReader.</summary>
public sealed class TarCommentInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-tarcomment-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_python_made_pax_comment_with_a_line_feed_breaks_dotnet_TarReader()
    {
        // Python's tarfile writes the record length-delimited, as pax allows; TarReader splits records at line feeds.
        var path = Path.Combine(_dir, "python.tar");
        var make = await ExternalTool.RunAsync("python3", ["-c", "import io,sys,tarfile\nt=tarfile.open(sys.argv[1],'w',format=tarfile.PAX_FORMAT)\ni=tarfile.TarInfo('notes.txt'); i.size=1; i.pax_headers={'comment':'first\\nsecond'}\nt.addfile(i, io.BytesIO(b'x')); t.close()", path]);
        Assert.True(make.ExitCode == 0, make.Stderr);
        await using var file = File.OpenRead(path);
        using var reader = new TarReader(file);
        var error = Assert.Throws<InvalidDataException>(() => reader.GetNextEntry());
        Assert.Contains("extended header contains invalid records", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_line_comment_is_read_by_python_and_listed_by_bsdtar_and_gnu_tar_without_warnings()
    {
        var path = Path.Combine(_dir, "ours.tar");
        await using (var file = File.Create(path))
        await using (var tar = new TarArchiveWriter(file))
        {
            await tar.AddEntryAsync(new ArchiveEntry("notes.txt") { LastModified = DateTimeOffset.UnixEpoch, Comment = "note é, one line" }, EntrySource.FromBytes("x"u8.ToArray()));
            await tar.CompleteAsync();
        }

        var python = await ExternalTool.RunAsync("python3", ["-c", "import sys,tarfile\nprint(tarfile.open(sys.argv[1]).getmembers()[0].pax_headers['comment'])", path]);
        Assert.True(python.ExitCode == 0, python.Stderr);
        Assert.Equal("note é, one line", python.Text.TrimEnd('\n'));
        foreach (var tool in new[] { "bsdtar", "tar" })
        {
            var list = await ExternalTool.RunAsync(tool, ["-tvf", path]);
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Equal("", list.Stderr);
            Assert.Contains("notes.txt", list.Text, StringComparison.Ordinal);
        }
    }
}
