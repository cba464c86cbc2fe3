namespace Formats.Streaming;

/// <summary>The write-only stream <see cref="IArchiveSink.OpenEntryAsync"/> returns; DisposeAsync finishes the entry.</summary>
internal sealed class EntryWriteStream(ArchiveWriter sink, ContentCounter counter) : AsyncWriteOnlyStream
{
    private bool _done;

    public override bool CanWrite => !_done;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        return sink.WriteEntryContentAsync(counter, buffer, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            _done = true;
            await sink.FinishEntryAsync(counter, CancellationToken.None).ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_done)
        {
            _done = true;
            sink.AbandonEntry(counter.Entry.Name);
        }

        base.Dispose(disposing);
    }
}
