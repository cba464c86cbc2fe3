namespace Formats.Streaming;

/// <summary>
/// Passes an encoder's output to the target until it is shut; after that every write fails. Lets an aborted archive
/// release its encoder without the encoder's trailer reaching the target.
/// </summary>
internal sealed class GateStream(Stream target) : AsyncWriteOnlyStream
{
    private bool _shut;

    public void Shut() => _shut = true;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _shut ? ValueTask.FromException(new IOException("the archive was aborted")) : target.WriteAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _shut ? Task.CompletedTask : target.FlushAsync(cancellationToken);
}
