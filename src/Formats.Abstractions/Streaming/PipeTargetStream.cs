using System.IO.Pipelines;

namespace Formats.Streaming;

/// <summary>
/// A whole-archive encoder's (gzip, zstd) way into the caller's <see cref="PipeWriter"/>: each write is flushed, and a
/// reader that has completed (a client that went away) fails the write, as it fails an archive written to the pipe
/// directly, instead of the archive being compressed to its end for nobody.
/// </summary>
internal sealed class PipeTargetStream(PipeWriter target) : AsyncWriteOnlyStream
{
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Check(await target.WriteAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override async Task FlushAsync(CancellationToken cancellationToken) =>
        Check(await target.FlushAsync(cancellationToken).ConfigureAwait(false));

    private static void Check(FlushResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("the flush of the archive output was canceled");
        }

        if (result.IsCompleted)
        {
            throw new IOException("the reader of the archive output has stopped reading");
        }
    }
}
