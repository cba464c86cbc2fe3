namespace Formats.Streaming;

/// <summary>Reads through to a stream the caller keeps: disposing this wrapper leaves the inner stream open.</summary>
internal sealed class NonDisposingStream(Stream inner) : ReadOnlyStreamBase
{
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);
}
