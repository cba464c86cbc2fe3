namespace Formats.Testing;

/// <summary>
/// A readable, non-seekable stream of <see cref="Length"/> bytes made up as they are read: byte i is a function of i and a
/// seed, so content can be checked without keeping it. Optionally throws after a number of bytes, to play a broken source.
/// </summary>
public sealed class SyntheticStream(long length, int seed = 0, long? failAfter = null, bool compressible = true) : Stream
{
    /// <summary>The period of the compressible sequence: 7-byte runs of 26 letters.</summary>
    private const int Period = 7 * 26;

    private long _position;
    private byte[]? _pattern;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>The byte at <paramref name="index"/>.</summary>
    public static byte ByteAt(long index, int seed, bool compressible = true)
    {
        if (compressible)
        {
            // Text-like: repeating runs that deflate well.
            return (byte)('a' + (((index / 7) + seed) % 26));
        }

        var x = (ulong)(index + 1) * 0x9E3779B97F4A7C15UL ^ (ulong)seed * 0xBF58476D1CE4E5B9UL;
        x ^= x >> 31;
        x *= 0x94D049BB133111EBUL;
        return (byte)(x >> 29);
    }

    public static byte[] Bytes(long length, int seed = 0, bool compressible = true)
    {
        var bytes = new byte[length];
        for (var i = 0L; i < length; i++)
        {
            bytes[i] = ByteAt(i, seed, compressible);
        }

        return bytes;
    }

    public override int Read(Span<byte> buffer)
    {
        if (failAfter is { } limit && _position >= limit)
        {
            throw new IOException($"synthetic source failed at byte {_position}");
        }

        var n = (int)Math.Min(buffer.Length, length - _position);
        if (failAfter is { } l2)
        {
            n = (int)Math.Min(n, Math.Max(0, l2 - _position));
            if (n == 0 && _position < length)
            {
                throw new IOException($"synthetic source failed at byte {_position}");
            }
        }

        if (compressible && n > 0)
        {
            // Fast path: the text-like sequence repeats every 182 bytes, so copy from a precomputed stretch of it.
            var pattern = _pattern ??= Bytes(Period * 1024, seed);
            var i = 0;
            while (i < n)
            {
                var start = (int)((_position + i) % Period);
                var run = Math.Min(pattern.Length - start, n - i);
                pattern.AsSpan(start, run).CopyTo(buffer[i..]);
                i += run;
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                buffer[i] = ByteAt(_position + i, seed, compressible);
            }
        }

        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
