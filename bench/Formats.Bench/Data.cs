using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace Formats.Bench;

/// <summary>Inputs shared by the scenarios, made once, and the sizes scaled by FORMATS_BENCH_SCALE.</summary>
public static class Data
{
    public static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("FORMATS_BENCH_SCALE"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;

    public static long Scaled(long bytes) => Math.Max(1024, bytes / Scale);

    /// <summary>Incompressible bytes.</summary>
    public static byte[] Random(long length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text-like bytes: words from a small vocabulary, as logs and CSV compress.</summary>
    public static byte[] Text(long length, int seed = 2)
    {
        string[] words = ["the", "archive", "stream", "entry", "2024-05-06", "ERROR", "INFO", "request", "bytes", "42", "user", "id=", "0x1F", "\n", ",", "zip", "tar"];
        var random = new Random(seed);
        var bytes = new byte[length];
        var at = 0;
        while (at < length)
        {
            var w = System.Text.Encoding.ASCII.GetBytes(words[random.Next(words.Length)] + " ");
            var n = (int)Math.Min(w.Length, length - at);
            w.AsSpan(0, n).CopyTo(bytes.AsSpan(at));
            at += n;
        }

        return bytes;
    }
}

/// <summary>One short job, memory diagnoser, ratios to the baseline in the same run.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        // The smoke run (FORMATS_BENCH_SCALE set, --job Dry) brings its own job.
        if (Data.Scale == 1)
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(6).WithId("short"));
        }

        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>
/// A non-seekable sink that reads every byte it is given (a vectorised XOR fold), so no writer gets away with not
/// producing a byte, without the sink itself being the bottleneck.
/// </summary>
public sealed class TouchingSink : Stream
{
    private Vector<byte> _fold;

    public long Count { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count += buffer.Length;
        var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(buffer);
        var fold = _fold;
        foreach (var v in vectors)
        {
            fold ^= v;
        }

        foreach (var b in buffer[(vectors.Length * Vector<byte>.Count)..])
        {
            fold ^= new Vector<byte>(b);
        }

        _fold = fold;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>
/// System.Formats.Tar's TarWriter wants a seekable data stream or a known length: this read-only stream over memory
/// reports its length, and is what a caller of TarWriter writes in practice.
/// </summary>
public sealed class LengthReportingStream(byte[] data) : MemoryStream(data, writable: false);
