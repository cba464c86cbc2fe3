namespace Formats.Streaming;

/// <summary>
/// A write-only stream into an <see cref="ArchiveOutput"/>, for compressors that write to a stream. Only asynchronous
/// writes are accepted: a synchronous write here would be synchronous I/O on the archive's async path.
/// </summary>
internal sealed class ArchiveOutputStream(ArchiveOutput output) : Stream
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

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        output.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        output.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw SyncWrite();

    public override void Write(ReadOnlySpan<byte> buffer) => throw SyncWrite();

    public override void WriteByte(byte value) => throw SyncWrite();

    /// <summary>Nothing to do: the archive output decides when bytes are pushed to the target.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static InvalidOperationException SyncWrite() =>
        new("synchronous write on the archive's asynchronous path; use WriteAsync");
}
