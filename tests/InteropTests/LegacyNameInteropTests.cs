using System.IO.Compression;
using System.Text;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>
/// Legacy names (ArchiveEntry.LegacyName, mod_zip's X-Archive-Name-Sep) as real readers see them: those that read the
/// Info-ZIP Unicode Path extra field (0x7075) show the UTF-8 name, the others the legacy bytes; none complains about
/// the extra's length (mod_zip's own is 4 bytes too long, and unzip, bsdtar and Python flag it).
/// </summary>
public sealed class LegacyNameInteropTests : IDisposable
{
    private static readonly Encoding Cp866 = CodePagesEncodingProvider.Instance.GetEncoding(866)!;
    private static readonly Encoding Cp437 = CodePagesEncodingProvider.Instance.GetEncoding(437)!;

    // The UTF-8 names, and the legacy bytes beside them: in CP866 (Russian Windows' OEM code page), or an ASCII
    // spelling, as a mod_zip app gives them.
    private static readonly (string Name, byte[] Legacy, bool Directory)[] Entries =
    [
        ("Фото.txt", Cp866.GetBytes("Фото.txt"), false),
        ("Отчёт за май.txt", "Otchet za mai.txt"u8.ToArray(), false),
        ("Папка", Cp866.GetBytes("Папка"), true),
        ("Папка/Заметки.txt", Cp866.GetBytes("Папка/Заметки.txt"), false),
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("formats-legacy-names-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Names => [.. Entries.Select(e => e.Directory ? e.Name + "/" : e.Name)];

    private static string[] Files => [.. Entries.Where(e => !e.Directory).Select(e => e.Name)];

    /// <summary>
    /// The archive, its members deflated with data descriptors (as a gateway writes members without a CRC-32 in the
    /// manifest), or stored with their CRC-32 declared (sizes and CRC in the local header, no descriptor).
    /// </summary>
    private async Task<string> WriteAsync(bool descriptors = true)
    {
        var path = Path.Combine(_dir, "legacy.zip");
        await using var file = File.Create(path);
        await using var zip = new ZipArchiveWriter(file, new ZipWriterOptions { Method = descriptors ? ZipCompressionMethod.Deflate : ZipCompressionMethod.Stored });
        foreach (var (name, legacy, directory) in Entries)
        {
            var content = Encoding.UTF8.GetBytes("content of " + name);
            var entry = new ArchiveEntry(name, directory ? EntryKind.Directory : EntryKind.File)
            {
                LegacyName = legacy,
                Length = directory ? null : content.Length,
                Crc32 = directory || descriptors ? null : System.IO.Hashing.Crc32.HashToUInt32(content),
            };
            await zip.AddEntryAsync(entry, directory ? null : EntrySource.FromBytes(content));
        }

        await zip.CompleteAsync();
        return path;
    }

    private string[] Extracted(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private void AssertExtracted(string root)
    {
        Assert.Equal(Files.Order(StringComparer.Ordinal), Extracted(root));
        foreach (var name in Files)
        {
            Assert.Equal("content of " + name, File.ReadAllText(Path.Combine(root, name)));
        }

        Assert.True(Directory.Exists(Path.Combine(root, "Папка")));
    }

    [Fact]
    public async Task Unzip_shows_and_extracts_the_utf8_names_and_tests_the_archive_clean()
    {
        // Debian's unzip 6.0 (6.0-28) refuses any member with a Unicode Path extra and a data descriptor as a
        // "possible zip bomb" (so it refuses mod_zip's archives without CRC-32s too): declared CRC-32s avoid descriptors.
        var path = await WriteAsync(descriptors: false);
        var list = await ExternalTool.RunAsync("unzip", ["-Z1", path]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Equal(Names, list.Lines);
        var test = await ExternalTool.RunAsync("unzip", ["-t", path]);
        Assert.True(test.ExitCode == 0 && test.Stderr.Length == 0, test.Text + test.Stderr);
        Assert.DoesNotContain("warning", test.Text, StringComparison.OrdinalIgnoreCase);
        var root = Path.Combine(_dir, "unzip");
        var run = await ExternalTool.RunAsync("unzip", ["-q", path, "-d", root]);
        Assert.True(run.ExitCode == 0 && run.Stderr.Length == 0, run.Text + run.Stderr);
        AssertExtracted(root);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SevenZip_extracts_the_utf8_names_and_tests_the_archive_clean(bool descriptors)
    {
        var path = await WriteAsync(descriptors);
        var test = await ExternalTool.RunAsync("7zz", ["t", path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        Assert.DoesNotContain("Warning", test.Text, StringComparison.OrdinalIgnoreCase);
        var root = Path.Combine(_dir, "7zz");
        var run = await ExternalTool.RunAsync("7zz", ["x", "-y", "-o" + root, path]);
        Assert.True(run.ExitCode == 0, run.Text + run.Stderr);
        AssertExtracted(root);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bsdtar_extracts_the_utf8_names_without_a_warning(bool descriptors)
    {
        var path = await WriteAsync(descriptors);
        var root = Directory.CreateDirectory(Path.Combine(_dir, "bsdtar")).FullName;
        var run = await ExternalTool.RunAsync("bsdtar", ["-xf", path, "-C", root]);
        Assert.True(run.ExitCode == 0 && run.Stderr.Length == 0, run.Stderr);
        AssertExtracted(root);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Python_zipfile_ignores_the_extra_and_shows_the_legacy_bytes_as_cp437_without_the_utf8_flag(bool descriptors)
    {
        // zipfile reads no 0x7075 and decodes an unflagged name as code page 437: what an old archiver shows on a
        // machine whose code page is 437. It checks each extra's length, so a wrong one fails here.
        var path = await WriteAsync(descriptors);
        var script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist(): print(i.filename + '\\t' + str(i.flag_bits & 0x800))\nprint(z.testzip())";
        var run = await ExternalTool.RunAsync("python3", ["-c", script, path]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([.. Entries.Select(e => Cp437.GetString(e.Legacy) + (e.Directory ? "/" : "") + "\t0"), "None"], run.Lines);
    }

    [Fact]
    public async Task System_IO_Compression_reads_the_legacy_bytes_in_the_encoding_it_is_given()
    {
        // ZipArchive reads no 0x7075; given the archive's legacy code page, it shows the names as an old archiver
        // on such a machine does, and the content reads back.
        var path = await WriteAsync();
        using var archive = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read, leaveOpen: false, Cp866);
        Assert.Equal(["Фото.txt", "Otchet za mai.txt", "Папка/", "Папка/Заметки.txt"], archive.Entries.Select(e => e.FullName));
        using var reader = new StreamReader(archive.Entries[0].Open());
        Assert.Equal("content of Фото.txt", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task SharpCompress_reads_every_member()
    {
        var path = await WriteAsync();
        using var archive = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new FileStream(path, FileMode.Open, FileAccess.Read));
        var names = archive.Entries.Select(e => e.Key!).ToArray();
        Assert.Equal(Entries.Length, names.Length);
        Assert.Equal("Фото.txt", names[0]);
    }
}
