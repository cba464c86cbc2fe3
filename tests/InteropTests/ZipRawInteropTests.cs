using System.IO.Compression;
using System.IO.Hashing;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>Raw members (CreateRaw), per-entry methods, gzip sources and copied members, as real readers test them.</summary>
public sealed class ZipRawInteropTests : IDisposable
{
    private static readonly byte[] Plain = SyntheticStream.Bytes(400_000, 21, compressible: true);
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-zip-raw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task TestedByUnzipAnd7zAsync(string path, bool unzip = true)
    {
        if (unzip)
        {
            var u = await ExternalTool.RunAsync("unzip", ["-t", path]);
            Assert.True(u.ExitCode == 0, u.Text + u.Stderr);
        }

        var s = await ExternalTool.RunAsync("7zz", ["t", path]);
        Assert.True(s.ExitCode == 0, s.Text + s.Stderr);
    }

    private static async Task<byte[]> ExtractAsync(string path, string name)
    {
        var run = await ExternalTool.RunAsync("unzip", ["-p", path, name]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return run.Stdout;
    }

    [Fact]
    public async Task Mixed_stored_deflate_and_zstd_members_pass_7zip_and_unzip_reads_the_ones_it_knows()
    {
        var path = Path.Combine(_dir, "mixed.zip");
        await using (var file = File.Create(path))
        await using (var zip = new ZipArchiveWriter(file))
        {
            await zip.AddEntryAsync(new ArchiveEntry("deflate.txt"), EntrySource.FromBytes(Plain));
            await zip.AddEntryAsync(new ArchiveEntry("stored.txt"), EntrySource.FromBytes(Plain), new ZipEntryOptions { Method = ZipCompressionMethod.Stored });
            await zip.AddEntryAsync(new ArchiveEntry("zstd.txt"), EntrySource.FromBytes(Plain), new ZipEntryOptions { Method = ZipCompressionMethod.Zstandard });
            await zip.AddEntryAsync(new ArchiveEntry("best.txt"), EntrySource.FromBytes(Plain), new ZipEntryOptions { CompressionLevel = 9 });
            await zip.CompleteAsync();
        }

        await TestedByUnzipAnd7zAsync(path, unzip: false);
        foreach (var name in new[] { "deflate.txt", "stored.txt", "best.txt" })
        {
            Assert.Equal(Plain, await ExtractAsync(path, name));
        }

        var seven = await ExternalTool.RunAsync("7zz", ["x", "-so", path, "zstd.txt"]);
        Assert.True(seven.ExitCode == 0, seven.Stderr);
        Assert.Equal(Plain, seven.Stdout);
    }

    [Fact]
    public async Task Raw_members_compressed_by_the_caller_pass_unzip_and_7zip_with_the_plain_content()
    {
        var deflated = new MemoryStream();
        await using (var deflate = new DeflateStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await deflate.WriteAsync(Plain);
        }

        using var compressor = new ZstdSharp.Compressor(5);
        var zstd = compressor.Wrap(Plain).ToArray();
        var crc = Crc32.HashToUInt32(Plain);
        var path = Path.Combine(_dir, "raw.zip");
        await using (var file = File.Create(path))
        await using (var zip = new ZipArchiveWriter(file))
        {
            await zip.AddRawEntryAsync(new ArchiveEntry("d.txt"), new ZipRawContent(ZipCompressionMethod.Deflate, crc, deflated.Length, Plain.Length), EntrySource.FromBytes(deflated.ToArray()));
            await zip.AddRawEntryAsync(new ArchiveEntry("z.txt"), new ZipRawContent(ZipCompressionMethod.Zstandard, crc, zstd.Length, Plain.Length), EntrySource.FromBytes(zstd));
            await zip.CompleteAsync();
        }

        await TestedByUnzipAnd7zAsync(path, unzip: false);
        Assert.Equal(Plain, await ExtractAsync(path, "d.txt"));
    }

    [Fact]
    public async Task A_file_made_by_gzip_n_becomes_a_member_unzip_and_7zip_test_and_a_multi_member_one_too()
    {
        var txt = Path.Combine(_dir, "data.txt");
        await File.WriteAllBytesAsync(txt, Plain);
        var gz = await ExternalTool.RunAsync("gzip", ["-n", "-k", "-9", txt]);
        Assert.True(gz.ExitCode == 0, gz.Stderr);
        var multi = Path.Combine(_dir, "multi.txt.gz");
        await File.WriteAllBytesAsync(multi, [.. await File.ReadAllBytesAsync(txt + ".gz"), .. await File.ReadAllBytesAsync(txt + ".gz")]);

        var path = Path.Combine(_dir, "gz.zip");
        await using (var file = File.Create(path))
        await using (var zip = new ZipArchiveWriter(file))
        {
            await zip.AddGzipEntryAsync(new ArchiveEntry("data.txt"), EntrySource.FromFile(txt + ".gz"));
            await zip.AddGzipEntryAsync(new ArchiveEntry("multi.txt"), EntrySource.FromFile(multi));
            await zip.CompleteAsync();
        }

        await TestedByUnzipAnd7zAsync(path);
        Assert.Equal(Plain, await ExtractAsync(path, "data.txt"));
        Assert.Equal((byte[])[.. Plain, .. Plain], await ExtractAsync(path, "multi.txt"));
        var py = await ExternalTool.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "checkers", "zipcheck.py"), path]);
        Assert.True(py.ExitCode == 0, py.Stderr);
    }

    [Fact]
    public async Task Members_copied_from_a_zip64_archive_pass_unzip_and_7zip()
    {
        var source = Path.Combine(_dir, "source.zip");
        await using (var file = File.Create(source))
        await using (var zip = new ZipArchiveWriter(file, new ZipWriterOptions { Zip64 = Zip64Mode.Always }))
        {
            await zip.AddEntryAsync(new ArchiveEntry("a.txt") { Comment = "kept" }, EntrySource.FromBytes(Plain));
            await zip.AddEntryAsync(new ArchiveEntry("b.txt"), EntrySource.FromBytes(Plain), new ZipEntryOptions { Method = ZipCompressionMethod.Stored });
            await zip.AddEntryAsync(ArchiveEntry.Directory("d"));
            await zip.CompleteAsync();
        }

        var copy = Path.Combine(_dir, "copy.zip");
        await using (var input = File.OpenRead(source))
        await using (var output = File.Create(copy))
        await using (var zip = new ZipArchiveWriter(output))
        {
            var archive = await Formats.Zip.Sources.ZipSourceArchive.OpenAsync(input);
            foreach (var entry in archive.Entries)
            {
                await zip.CopyEntryAsync(archive, entry);
            }

            await zip.CompleteAsync();
        }

        await TestedByUnzipAnd7zAsync(copy);
        Assert.Equal(Plain, await ExtractAsync(copy, "a.txt"));
        Assert.Equal(Plain, await ExtractAsync(copy, "b.txt"));
    }
}
