namespace Formats.Streaming;

/// <summary>
/// Base of the write-only streams on the archive's path: only asynchronous writes are accepted, because a synchronous
/// write there would be synchronous I/O on an asynchronous path. Subclasses implement the memory overload of WriteAsync.
/// </summary>
internal abstract class AsyncWriteOnlyStream : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw SyncWrite();

    public sealed override void Write(ReadOnlySpan<byte> buffer) => throw SyncWrite();

    public sealed override void WriteByte(byte value) => throw SyncWrite();

    /// <summary>Nothing to do synchronously: bytes move only through asynchronous writes.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    private static InvalidOperationException SyncWrite() =>
        new("synchronous write on the archive's asynchronous path; use WriteAsync");
}
