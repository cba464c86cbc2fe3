namespace Formats.Streaming;

/// <summary>Base of the forward-only readable streams a source hands the sink: everything but reading is refused.</summary>
internal abstract class ReadOnlyStreamBase : Stream
{
    public sealed override bool CanRead => true;

    public override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public sealed override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
