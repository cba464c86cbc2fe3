namespace Formats.Testing;

/// <summary>A non-seekable output that throws on any synchronous Write or Flush: proof that a writer never blocks a thread on I/O.</summary>
public sealed class AsyncOnlyStream : Stream
{
    private readonly MemoryStream _inner = new();

    public byte[] ToArray() => _inner.ToArray();

    public int AsyncWrites { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous Write");

    public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("synchronous Write");

    public override void WriteByte(byte value) => throw new InvalidOperationException("synchronous WriteByte");

    public override void Flush() => throw new InvalidOperationException("synchronous Flush");

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        AsyncWrites++;
        _inner.Write(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken) => await Task.Yield();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
