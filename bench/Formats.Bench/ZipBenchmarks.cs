using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Formats.Zip;
using ICSharpCode.SharpZipLib.Zip;
using SharpCompress.Common;
using SharpCompress.Writers;
using ScZipWriter = SharpCompress.Writers.Zip.ZipWriter;
using ScZipWriterOptions = SharpCompress.Writers.Zip.ZipWriterOptions;

namespace Formats.Bench;

/// <summary>Scenario 1 and 5: stored zip of 1 GiB in 16 members from memory, against the peers and a plain copy.</summary>
[Config(typeof(BenchConfig))]
public class StoredZip
{
    private const int Members = 16;
    private byte[] _member = [];
    private uint _crc;

    [GlobalSetup]
    public void Setup()
    {
        _member = Data.Random(Data.Scaled(1L << 30) / Members);
        _crc = System.IO.Hashing.Crc32.HashToUInt32(_member);
    }

    [Benchmark(Baseline = true, Description = "plain copy")]
    public async Task PlainCopy()
    {
        var sink = new TouchingSink();
        for (var i = 0; i < Members; i++)
        {
            await sink.WriteAsync(_member);
        }
    }

    [Benchmark(Description = "Formats ZipArchiveWriter")]
    public async Task Formats()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchiveWriter(sink, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        for (var i = 0; i < Members; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"m{i}"), EntrySource.FromBytes(_member));
        }

        await zip.CompleteAsync();
    }

    [Benchmark(Description = "System.IO.Compression ZipArchive")]
    public async Task SystemIoCompression()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchive(sink, ZipArchiveMode.Create, leaveOpen: true);
        for (var i = 0; i < Members; i++)
        {
            await using var s = await zip.CreateEntry($"m{i}", CompressionLevel.NoCompression).OpenAsync();
            await s.WriteAsync(_member);
        }
    }

    [Benchmark(Description = "SharpCompress ZipWriter")]
    public void SharpCompress()
    {
        var sink = new TouchingSink();
        using var zip = new ScZipWriter(sink, new ScZipWriterOptions(CompressionType.None) { LeaveStreamOpen = true });
        for (var i = 0; i < Members; i++)
        {
            zip.Write($"m{i}", new MemoryStream(_member));
        }
    }

    [Benchmark(Description = "SharpZipLib ZipOutputStream")]
    public void SharpZipLib()
    {
        var sink = new TouchingSink();
        using var zip = new ZipOutputStream(sink) { IsStreamOwner = false };
        for (var i = 0; i < Members; i++)
        {
            zip.PutNextEntry(new ZipEntry($"m{i}") { CompressionMethod = CompressionMethod.Stored, Size = _member.Length, Crc = _crc });
            zip.Write(_member);
        }
    }
}

/// <summary>Scenario 2: deflate, 256 MiB of text-like and 256 MiB of incompressible data, at the fastest and the default level.</summary>
[Config(typeof(BenchConfig))]
public class DeflateZip
{
    private byte[] _text = [];
    private byte[] _random = [];

    [Params(1, 6)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = Data.Text(Data.Scaled(256L << 20));
        _random = Data.Random(Data.Scaled(256L << 20));
    }

    private CompressionLevel BclLevel => Level == 1 ? CompressionLevel.Fastest : CompressionLevel.Optimal;

    [Benchmark(Baseline = true, Description = "System.IO.Compression ZipArchive")]
    public async Task SystemIoCompression()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchive(sink, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, data) in new[] { ("text", _text), ("random", _random) })
        {
            await using var s = await zip.CreateEntry(name, BclLevel).OpenAsync();
            await s.WriteAsync(data);
        }
    }

    [Benchmark(Description = "Formats ZipArchiveWriter")]
    public async Task Formats()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchiveWriter(sink, new ZipWriterOptions { Method = ZipCompressionMethod.Deflate, CompressionLevel = Level });
        await zip.AddEntryAsync(new ArchiveEntry("text"), EntrySource.FromBytes(_text));
        await zip.AddEntryAsync(new ArchiveEntry("random"), EntrySource.FromBytes(_random));
        await zip.CompleteAsync();
    }

    [Benchmark(Description = "SharpCompress ZipWriter")]
    public void SharpCompress()
    {
        var sink = new TouchingSink();
        using var zip = new ScZipWriter(sink, new ScZipWriterOptions(CompressionType.Deflate) { LeaveStreamOpen = true, CompressionLevel = Level });
        zip.Write("text", new MemoryStream(_text));
        zip.Write("random", new MemoryStream(_random));
    }

    [Benchmark(Description = "SharpZipLib ZipOutputStream")]
    public void SharpZipLib()
    {
        var sink = new TouchingSink();
        using var zip = new ZipOutputStream(sink) { IsStreamOwner = false };
        zip.SetLevel(Level);
        foreach (var (name, data) in new[] { ("text", _text), ("random", _random) })
        {
            zip.PutNextEntry(new ZipEntry(name));
            zip.Write(data);
        }
    }
}

/// <summary>Scenario 3: 100,000 members of 1 KiB, the per-entry overhead.</summary>
[Config(typeof(BenchConfig))]
public class SmallMembers
{
    private byte[] _member = [];

    private static int Count => (int)Math.Max(1000, 100_000 / Data.Scale);

    [GlobalSetup]
    public void Setup() => _member = Data.Text(1024);

    [Benchmark(Baseline = true, Description = "System.IO.Compression ZipArchive")]
    public async Task SystemIoCompression()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchive(sink, ZipArchiveMode.Create, leaveOpen: true);
        for (var i = 0; i < Count; i++)
        {
            await using var s = await zip.CreateEntry($"dir/m{i}.txt", CompressionLevel.Fastest).OpenAsync();
            await s.WriteAsync(_member);
        }
    }

    [Benchmark(Description = "Formats ZipArchiveWriter")]
    public async Task Formats()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchiveWriter(sink, new ZipWriterOptions { CompressionLevel = 1 });
        for (var i = 0; i < Count; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"dir/m{i}.txt"), EntrySource.FromBytes(_member));
        }

        await zip.CompleteAsync();
    }

    [Benchmark(Description = "SharpCompress ZipWriter")]
    public void SharpCompress()
    {
        var sink = new TouchingSink();
        using var zip = new ScZipWriter(sink, new ScZipWriterOptions(CompressionType.Deflate) { LeaveStreamOpen = true, CompressionLevel = 1 });
        for (var i = 0; i < Count; i++)
        {
            zip.Write($"dir/m{i}.txt", new MemoryStream(_member));
        }
    }

    [Benchmark(Description = "SharpZipLib ZipOutputStream")]
    public void SharpZipLib()
    {
        var sink = new TouchingSink();
        using var zip = new ZipOutputStream(sink) { IsStreamOwner = false };
        zip.SetLevel(1);
        for (var i = 0; i < Count; i++)
        {
            zip.PutNextEntry(new ZipEntry($"dir/m{i}.txt"));
            zip.Write(_member);
        }
    }
}
