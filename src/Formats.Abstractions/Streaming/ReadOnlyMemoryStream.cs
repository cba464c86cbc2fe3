namespace Formats.Streaming;

/// <summary>A read-only stream over memory, without copying it into an array first.</summary>
internal sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : ReadOnlyStreamBase
{
    private int _position;

    public override bool CanSeek => true;

    public override long Length => memory.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, memory.Length);
            _position = (int)value;
        }
    }

    /// <summary>The next bytes as a slice of the memory itself, without copying; empty at the end.</summary>
    public ReadOnlyMemory<byte> Take(int max)
    {
        var slice = memory.Slice(_position, Math.Min(max, memory.Length - _position));
        _position += slice.Length;
        return slice;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, memory.Length - _position);
        memory.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => memory.Length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };
}
