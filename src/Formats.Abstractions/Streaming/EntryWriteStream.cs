namespace Formats.Streaming;

/// <summary>The write-only stream <see cref="IArchiveSink.OpenEntryAsync"/> returns; DisposeAsync finishes the entry.</summary>
internal sealed class EntryWriteStream(ArchiveSinkCore sink, ContentCounter counter) : Stream
{
    private bool _done;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_done;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => counter.Length;
        set => throw new NotSupportedException();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        return sink.WriteEntryContentAsync(counter, buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw SyncWrite();

    public override void Write(ReadOnlySpan<byte> buffer) => throw SyncWrite();

    public override void WriteByte(byte value) => throw SyncWrite();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static InvalidOperationException SyncWrite() =>
        new("synchronous write to an archive entry; use WriteAsync (the archive is written asynchronously end to end)");
}
