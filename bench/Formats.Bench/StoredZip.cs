using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Formats.Zip;

namespace Formats.Bench;

[MemoryDiagnoser]
public class StoredZip
{
    private const int Members = 16;
    private readonly byte[] _member = new byte[16 << 20];

    [GlobalSetup]
    public void Setup() => new Random(1).NextBytes(_member);

    [Benchmark(Baseline = true)]
    public async Task PlainCopy()
    {
        var sink = new TouchingSink();
        for (var i = 0; i < Members; i++)
        {
            await sink.WriteAsync(_member);
        }
    }

    [Benchmark]
    public async Task FormatsZipWriter()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchiveWriter(sink, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        for (var i = 0; i < Members; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"m{i}"), EntrySource.FromBytes(_member));
        }

        await zip.CompleteAsync();
    }

    [Benchmark]
    public async Task SystemIoCompressionZipArchive()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchive(sink, ZipArchiveMode.Create, leaveOpen: true);
        for (var i = 0; i < Members; i++)
        {
            await using var s = await zip.CreateEntry($"m{i}", CompressionLevel.NoCompression).OpenAsync();
            await s.WriteAsync(_member);
        }
    }
}

/// <summary>A non-seekable sink that reads every byte it is given, so no writer gets away with not producing it.</summary>
public sealed class TouchingSink : Stream
{
    public ulong Checksum { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ulong sum = Checksum;
        foreach (var b in buffer)
        {
            sum += b;
        }

        Checksum = sum;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
