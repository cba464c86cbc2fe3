namespace Formats.Streaming;

/// <summary>
/// Passes an encoder's output to the target until it is shut; after that every write fails. Lets an aborted archive
/// release its encoder without the encoder's trailer reaching the target. Asynchronous writes only.
/// </summary>
internal sealed class GateStream(Stream target) : Stream
{
    private bool _shut;

    public void Shut() => _shut = true;

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
        _shut ? ValueTask.FromException(new IOException("the archive was aborted")) : target.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _shut ? Task.CompletedTask : target.FlushAsync(cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("synchronous write on the archive's asynchronous path; use WriteAsync");

    /// <summary>Nothing to do synchronously: bytes reach the target only through asynchronous writes.</summary>
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
