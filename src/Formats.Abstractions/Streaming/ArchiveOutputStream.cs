namespace Formats.Streaming;

/// <summary>A write-only stream into an <see cref="ArchiveOutput"/>, for compressors that write to a stream.</summary>
internal sealed class ArchiveOutputStream(ArchiveOutput output) : AsyncWriteOnlyStream
{
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        output.WriteAsync(buffer, cancellationToken);
}
