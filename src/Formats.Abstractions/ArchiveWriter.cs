using Formats.Streaming;

namespace Formats;

/// <summary>
/// The archive writers' common base (<c>ZipArchiveWriter</c>, <c>TarArchiveWriter</c>): the sink's life cycle and sticky
/// failure, written once. Entries are prepared by <see cref="EntryPreparer"/> (names, defaults) and their content
/// moved by <see cref="SourcePump"/>; a format supplies where an entry's content goes (after its header) and the end
/// records. It is public because the public writers derive from it, and cannot be derived from outside this library.
/// Program against <see cref="IArchiveSink"/>: the contract, which a caller can wrap (progress, logging) or fake in tests.
/// </summary>
public abstract partial class ArchiveWriter : IArchiveSink
{
    private readonly EntryPreparer _preparer;

    /// <summary>The content of the entry being written, until it is finished: what an abort must release.</summary>
    private ContentCounter? _open;

    private protected ArchiveWriter(ArchiveOutput output, EntryNamePolicy? namePolicy)
    {
        Output = output;
        _preparer = new EntryPreparer(namePolicy ?? EntryNamePolicy.Default);
    }

    internal ArchiveOutput Output { get; }

    /// <summary>Sizes the name registry for <paramref name="count"/> entries at once, when they are known (a plan's), instead of growing it.</summary>
    internal void ExpectEntries(int count) => _preparer.ExpectEntries(count);

    /// <summary>What this run produces (the output's mode): the whole archive, its length, or one byte range.</summary>
    internal WriteMode Mode => Output.Mode;

    /// <summary>The time of entries without <see cref="ArchiveEntry.LastModified"/> whose source tells none.</summary>
    internal DateTimeOffset DefaultLastModified { get; set; } = ArchiveEntry.DefaultLastModified;

    /// <summary>
    /// True when the writer belongs to an <see cref="ArchivePlan"/>: every byte must then follow from what is known before
    /// any source is opened (a range lays out entries it never opens), so what a source learns when opened (an HTTP
    /// Last-Modified) does not date its entry.
    /// </summary>
    internal bool Planned { get; set; }

    /// <summary>Where each entry's content lies in a measure or range run, in the order entries come (null: not noted).</summary>
    internal List<(long Start, long Length)>? ContentSpans { get; set; }

    /// <inheritdoc/>
    public long BytesWritten => Output.Position;

    /// <summary>
    /// Returns where <paramref name="entry"/>'s content goes. The format writes the entry's header first, or, where the
    /// header depends on the content (a zip member compressed ahead, or whose method is chosen by a trial), once it has
    /// what it needs. Throws <see cref="ArchiveException"/> for what the format cannot hold.
    /// </summary>
    private protected abstract ValueTask<IEntryContent> OpenContentAsync(PreparedEntry entry, CancellationToken cancellationToken);

    /// <summary>Writes what the format holds back (members compressed ahead), then the archive's end records.</summary>
    private protected abstract ValueTask WriteEndAsync(CancellationToken cancellationToken);

    /// <summary>The archive is abandoned: the format releases what it holds (buffers, background work), writing nothing. Never throws.</summary>
    private protected virtual ValueTask AbortFormatAsync() => ValueTask.CompletedTask;

    /// <summary>Lets go of what the format kept for the end of the archive (a zip's central directory), once the writer is disposed.</summary>
    private protected virtual void ReleaseFormat()
    {
    }

    /// <summary>
    /// What an aborted archive that reached archive offset <paramref name="reached"/> ends with, so that no reader takes
    /// it for complete: nothing, for formats whose end records are what readers look for (zip); see the tar writer.
    /// </summary>
    private protected virtual ReadOnlyMemory<byte> AbortMarker(long reached) => ReadOnlyMemory<byte>.Empty;

    /// <summary>
    /// Refuses, before any byte of it is written, an entry the format cannot hold (tar: an unknown length; zip: a hard
    /// link). Called before the source is opened, or, for an entry whose length its source tells only when opened, after.
    /// Throws <see cref="ArchiveException"/>.
    /// </summary>
    private protected virtual void CheckEntry(PreparedEntry entry)
    {
    }

    /// <summary>
    /// Refuses an entry whose bytes this format cannot lay out without reading its content, in a measure or range run
    /// (<see cref="Mode"/>): a compressed layout; for a zip range, an entry without a declared CRC-32. Throws
    /// <see cref="ArchiveException"/> with the reason.
    /// </summary>
    private protected virtual void CheckPlannable(PreparedEntry entry)
    {
    }

    /// <summary>
    /// Refuses options under which no archive, not even an empty one, can be laid out without its content (a compressed
    /// tar): checked once by the plan, before any entry, so the answer does not depend on whether there are entries.
    /// Throws <see cref="ArchiveException"/> with the reason.
    /// </summary>
    internal virtual void CheckPlannable()
    {
    }

    /// <summary>
    /// Refuses per-entry options this format does not understand (another format's). Throws <see cref="ArgumentException"/>.
    /// </summary>
    private protected virtual void CheckOptions(ArchiveEntry entry, ArchiveEntryOptions options) =>
        throw new ArgumentException($"entry '{entry.Name}': {options.GetType().Name} are options of another format than this writer's", nameof(options));

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        using var call = Claim();
        Enter();
        try
        {
            await WriteEndAsync(cancellationToken).ConfigureAwait(false);
            await Output.CompleteAsync(cancellationToken).ConfigureAwait(false);
            _state = State.Completed;
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_state is State.Completed or State.Disposed)
        {
            _state = State.Disposed;
            Release();
            return;
        }

        Interlocked.CompareExchange(ref _failure, new InvalidOperationException("the archive was disposed before it was completed"), null);
        _state = State.Disposed;
        await Output.AbortAsync(AbortMarker).ConfigureAwait(false);
        await AbortContentAsync().ConfigureAwait(false);
        await AbortFormatAsync().ConfigureAwait(false);
        Release();
    }

    /// <summary>A writer that is done keeps nothing per entry, whoever still refers to it (a pooled state machine may, for a while).</summary>
    private void Release()
    {
        _preparer.Release();
        ReleaseFormat();
    }

    private async ValueTask<ContentCounter> OpenCounterAsync(PreparedEntry prepared, CancellationToken cancellationToken)
    {
        var content = await OpenContentAsync(prepared, cancellationToken).ConfigureAwait(false);
        return _open = new ContentCounter(prepared, content);
    }

    /// <summary>Finishes the entry's content: the writer is ready for the next entry.</summary>
    private async ValueTask FinishCounterAsync(ContentCounter counter, CancellationToken cancellationToken)
    {
        await counter.FinishAsync(cancellationToken).ConfigureAwait(false);
        _open = null;
        _state = State.Ready;
    }

    /// <summary>Releases the unfinished entry's content, if any.</summary>
    private ValueTask AbortContentAsync()
    {
        var open = _open;
        _open = null;
        return open?.AbortAsync() ?? ValueTask.CompletedTask;
    }
}
