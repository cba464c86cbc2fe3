namespace Formats.Zip.Encoding;

/// <summary>
/// A growable in-memory buffer rented from the shared pool, written through the <see cref="Stream"/> API by an encoder
/// that runs on a worker (memory only: no I/O happens here), then read as <see cref="Memory"/> and given back with
/// <see cref="Return"/>.
/// </summary>
internal sealed class PooledBuffer : Stream
{
    private byte[] _array;
    private int _length;

    private readonly BufferLedger _ledger;

    public PooledBuffer(BufferLedger ledger, int capacity)
    {
        _ledger = ledger;
        _array = ledger.Rent(Math.Max(capacity, 256));
    }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>Cuts the buffer back to <paramref name="value"/> bytes, dropping what was written after them.</summary>
    public override void SetLength(long value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, _length);
        _length = (int)value;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Grow(buffer.Length);
        buffer.CopyTo(_array.AsSpan(_length));
        _length += buffer.Length;
    }

    /// <summary>Makes room for <paramref name="more"/> bytes after those written.</summary>
    private void Grow(int more)
    {
        if (more > _array.Length - _length)
        {
            var larger = _ledger.Rent(Math.Max(_array.Length * 2, _length + more));
            _array.AsSpan(0, _length).CopyTo(larger);
            _ledger.Return(_array);
            _array = larger;
        }
    }

    /// <summary>The rented room after what is written: at least <paramref name="length"/> bytes, for an encoder to fill and then <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int length)
    {
        Grow(length);
        return _array.AsSpan(_length);
    }

    /// <summary>Counts <paramref name="count"/> bytes written into the span <see cref="GetSpan"/> gave.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - _length);
        _length += count;
    }

    public void Return()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            _ledger.Return(array);
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
}
