using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>
/// An empty member whose length was unknown until it ended (empty standard input, an empty chunked body) is deflated:
/// its data must be a valid empty deflate stream, which strict readers check.
/// </summary>
public sealed class EmptyMemberTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-empty-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteAsync()
    {
        var path = Path.Combine(_dir, "empty.zip");
        await using var file = File.Create(path);
        await using var zip = new ZipArchiveWriter(file);
        await zip.AddEntryAsync(new ArchiveEntry("z.txt"), EntrySource.FromStream(new ForwardOnlyStream([])));
        await zip.AddEntryAsync(new ArchiveEntry("told-empty.txt"), EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new ForwardOnlyStream([], 0))));
        await zip.CompleteAsync();
        return path;
    }

    [Fact]
    public async Task Unzip_7zip_bsdtar_python_and_java_accept_empty_members_of_unknown_length()
    {
        var path = await WriteAsync();
        var unzip = await ExternalTool.RunAsync("unzip", ["-t", path]);
        Assert.True(unzip.ExitCode == 0, unzip.Text);
        var sevenZip = await ExternalTool.RunAsync("7zz", ["t", path]);
        Assert.True(sevenZip.ExitCode == 0, sevenZip.Text);
        var stream = await ExternalTool.RunAsync("bsdtar", ["-xOf", "-"], stdinFile: path);
        Assert.True(stream.ExitCode == 0, stream.Stderr);
        var python = await ExternalTool.RunAsync("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; assert all(z.read(n) == b'' for n in z.namelist())", path]);
        Assert.True(python.ExitCode == 0, python.Stderr);
        var java = await ExternalTool.RunAsync("java", [Path.Combine(AppContext.BaseDirectory, "checkers", "ZipCheck.java"), path, "file"]);
        Assert.True(java.ExitCode == 0, java.Stderr);
        Assert.Equal(["z.txt\t0", "told-empty.txt\t0"], java.Lines.Select(l => string.Join('\t', l.Split('\t')[..2])));
    }
}
