using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>Archive and entry comments as Info-ZIP, 7-Zip, Python and Java show them.</summary>
public sealed class ZipCommentInteropTests : IDisposable
{
    private const string ArchiveComment = "release 1.2 ✓";
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-zip-comment-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteAsync()
    {
        var path = Path.Combine(_dir, "comments.zip");
        await using var file = File.Create(path);
        await using var zip = new ZipArchiveWriter(file, new ZipWriterOptions { Comment = ArchiveComment });
        await zip.AddEntryAsync(new ArchiveEntry("a.txt") { Comment = "first note" }, EntrySource.FromBytes("alpha"u8.ToArray()));
        await zip.AddEntryAsync(new ArchiveEntry("b.txt") { Comment = "note é" }, EntrySource.FromBytes("beta"u8.ToArray()));
        await zip.AddEntryAsync(new ArchiveEntry("c.txt"), EntrySource.FromBytes("gamma"u8.ToArray()));
        await zip.CompleteAsync();
        return path;
    }

    [Fact]
    public async Task Unzip_z_prints_the_archive_comment_and_zipinfo_shows_entry_comments()
    {
        var path = await WriteAsync();
        var z = await ExternalTool.RunAsync("unzip", ["-z", path]);
        Assert.True(z.ExitCode == 0, z.Stderr);
        Assert.Contains(ArchiveComment, z.Text, StringComparison.Ordinal);

        var info = await ExternalTool.RunAsync("zipinfo", ["-v", path]);
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Contains("first note", info.Text, StringComparison.Ordinal);
        Assert.Contains("note é", info.Text, StringComparison.Ordinal);

        var test = await ExternalTool.RunAsync("unzip", ["-t", path]);
        Assert.True(test.ExitCode == 0, test.Text);
    }

    [Fact]
    public async Task Python_zipfile_reads_the_comments_as_utf8_bytes()
    {
        var path = await WriteAsync();
        var script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.comment.decode('utf-8'))\nfor i in z.infolist(): print(i.filename + '\\t' + i.comment.decode('utf-8') + '\\t' + str(i.flag_bits & 0x800))";
        var run = await ExternalTool.RunAsync("python3", ["-c", script, path]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([ArchiveComment, "a.txt\tfirst note\t0", "b.txt\tnote é\t2048", "c.txt\t\t0"], run.Lines);
    }

    [Fact]
    public async Task Java_ZipFile_reads_the_archive_and_entry_comments()
    {
        var path = await WriteAsync();
        var run = await ExternalTool.RunAsync("java", [Path.Combine(AppContext.BaseDirectory, "checkers", "ZipCheck.java"), path, "comments"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([ArchiveComment, "a.txt\tfirst note", "b.txt\tnote é", "c.txt\tnull"], run.Lines);
    }

    [Fact]
    public async Task SevenZip_lists_the_archive_comment_and_tests_the_archive()
    {
        var path = await WriteAsync();
        var list = await ExternalTool.RunAsync("7zz", ["l", "-slt", path]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains(ArchiveComment, list.Text, StringComparison.Ordinal);
        Assert.Contains("Comment = note é", list.Text, StringComparison.Ordinal);
        var test = await ExternalTool.RunAsync("7zz", ["t", path]);
        Assert.True(test.ExitCode == 0, test.Text);
    }

    [Fact]
    public async Task SharpCompress_reads_the_entry_comments()
    {
        var path = await WriteAsync();
        using var archive = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new FileStream(path, FileMode.Open, FileAccess.Read));
        var comments = archive.Entries.ToDictionary(e => e.Key!, e => ((SharpCompress.Common.Zip.ZipEntry)e).Comment);
        Assert.Equal("first note", comments["a.txt"]);
        Assert.Equal("note é", comments["b.txt"]);
    }
}
