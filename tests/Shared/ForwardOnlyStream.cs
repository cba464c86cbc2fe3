namespace Formats.Testing;

/// <summary>
/// Bytes read forward only (not seekable), as a pipe, standard input or an HTTP body gives them: a source whose length
/// is unknown unless it says so through <see cref="IEntrySourceMetadata"/> (as an HTTP response with Content-Length does).
/// </summary>
public sealed class ForwardOnlyStream(byte[] content, long? toldLength = null, DateTimeOffset? toldLastModified = null) : Stream, IEntrySourceMetadata
{
    private int _position;

    long? IEntrySourceMetadata.Length => toldLength;

    DateTimeOffset? IEntrySourceMetadata.LastModified => toldLastModified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, content.Length - _position);
        content.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
