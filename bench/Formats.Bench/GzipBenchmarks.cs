using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Formats.Zip;

namespace Formats.Bench;

/// <summary>
/// Issue 16: a zip of 16 .gz files (256 MiB of text in all, before scaling), their deflate data copied as raw members
/// (GzipMember: one inflate pass to prove each is a single member, then a copy) against decompressing and deflating
/// them again at the same level (6), side by side. Files on disk, as the CLI's --raw-from-gzip reads them.
/// </summary>
[Config(typeof(BenchConfig))]
public class GzipToZip
{
    private const int Members = 16;
    private string _dir = "";
    private string[] _files = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("formats-bench-gzip-").FullName;
        var plain = Data.Text(Data.Scaled(256L << 20) / Members);
        _files = [.. Enumerable.Range(0, Members).Select(i =>
        {
            var path = Path.Combine(_dir, $"m{i}.txt.gz");
            using var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal);
            gzip.Write(plain);
            return path;
        })];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Baseline = true, Description = "recompress (gunzip + deflate 6)")]
    public async Task Recompress()
    {
        await using var zip = new ZipArchiveWriter(new TouchingSink());
        foreach (var file in _files)
        {
            await zip.AddEntryAsync(new ArchiveEntry(Path.GetFileNameWithoutExtension(file)), EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new GZipStream(File.OpenRead(file), CompressionMode.Decompress))));
        }

        await zip.CompleteAsync();
    }

    [Benchmark(Description = "raw from gzip (verify + copy)")]
    public async Task Raw()
    {
        await using var zip = new ZipArchiveWriter(new TouchingSink());
        foreach (var file in _files)
        {
            await zip.AddGzipEntryAsync(new ArchiveEntry(Path.GetFileNameWithoutExtension(file)), EntrySource.FromFile(file));
        }

        await zip.CompleteAsync();
    }
}
