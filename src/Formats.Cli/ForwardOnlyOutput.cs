using Formats.Streaming;

namespace Formats.Cli;

/// <summary>
/// A seekable output (a file) shown to the writer as a pipe: nothing already written is rewritten, so the archive has
/// exactly the bytes it would have on a pipe (<see cref="ArchiveCommand.WriteAsync"/> says when that is wanted).
/// </summary>
internal sealed class ForwardOnlyOutput(Stream target) : AsyncWriteOnlyStream
{
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        target.WriteAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => target.FlushAsync(cancellationToken);
}
