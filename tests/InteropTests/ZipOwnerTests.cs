using System.Buffers.Binary;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>Owner ids an entry declares go in the Info-ZIP Unix extra field (0x7875), which unzip and libarchive read.</summary>
public sealed class ZipOwnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-zip-owner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteAsync()
    {
        var path = Path.Combine(_dir, "owners.zip");
        await using var file = File.Create(path);
        await using var zip = new ZipArchiveWriter(file);
        await zip.AddEntryAsync(new ArchiveEntry("owned.txt") { UserId = 3_000_000, GroupId = 4_000_000 }, EntrySource.FromBytes("owned"u8.ToArray()));
        await zip.AddEntryAsync(new ArchiveEntry("plain.txt"), EntrySource.FromBytes("plain"u8.ToArray()));
        await zip.CompleteAsync();
        return path;
    }

    [Fact]
    public async Task Declared_owner_ids_are_in_both_headers_and_undeclared_ones_write_no_field()
    {
        var archive = ZipInspector.Inspect(await File.ReadAllBytesAsync(await WriteAsync()));
        var owned = archive.Entries.Single(e => e.Name == "owned.txt");
        foreach (var extras in new[] { owned.LocalExtras, owned.CentralExtras })
        {
            var ux = extras[0x7875];
            Assert.Equal(11, ux.Length);
            Assert.Equal([1, 4], ux[..2]);
            Assert.Equal(3_000_000u, BinaryPrimitives.ReadUInt32LittleEndian(ux.AsSpan(2)));
            Assert.Equal(4, ux[6]);
            Assert.Equal(4_000_000u, BinaryPrimitives.ReadUInt32LittleEndian(ux.AsSpan(7)));
        }

        var plain = archive.Entries.Single(e => e.Name == "plain.txt");
        Assert.False(plain.LocalExtras.ContainsKey(0x7875));
        Assert.False(plain.CentralExtras.ContainsKey(0x7875));
    }

    [Fact]
    public async Task Bsdtar_and_unzip_read_the_owner_ids()
    {
        var path = await WriteAsync();
        var list = await ExternalTool.RunAsync("bsdtar", ["--numeric-owner", "-tvf", path]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains(list.Lines, l => l.Contains("3000000", StringComparison.Ordinal) && l.Contains("4000000", StringComparison.Ordinal) && l.EndsWith("owned.txt", StringComparison.Ordinal));
        var info = await ExternalTool.RunAsync("unzip", ["-Zv", path, "owned.txt"]);
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Contains("0x7875", info.Text, StringComparison.Ordinal);
        var test = await ExternalTool.RunAsync("unzip", ["-t", path]);
        Assert.True(test.ExitCode == 0, test.Text);
    }
}
