using System.Buffers;
using System.Runtime.CompilerServices;
using Formats.Naming;
using Formats.Streaming;

namespace Formats;

/// <summary>
/// The archive writers' common base (<c>ZipArchiveWriter</c>, <c>TarArchiveWriter</c>): everything that is not the
/// format, written once. It runs the sink's life cycle and sticky failure, applies the name policy and the entry
/// defaults, opens sources lazily, pumps their bytes and holds them to their declared length; a format supplies its
/// headers and end records. It cannot be derived from outside this library; program against <see cref="IArchiveSink"/>.
/// </summary>
public abstract class ArchiveWriter : IArchiveSink
{
    /// <summary>Read size for sources.</summary>
    internal const int SourceBufferSize = 64 * 1024;

    /// <summary>Slice size for sources already in memory.</summary>
    internal const int MemoryChunkSize = 1024 * 1024;

    private readonly EntryNameRegistry _names;
    private DateTimeOffset _defaultTime = ArchiveEntry.DefaultLastModified;
    private State _state = State.Ready;
    private Exception? _failure;

    /// <summary>1 while a call runs on the writer (<see cref="Claim"/>).</summary>
    private int _busy;

    private protected ArchiveWriter(ArchiveOutput output, EntryNamePolicy? namePolicy)
    {
        Output = output;
        _names = new EntryNameRegistry(namePolicy ?? EntryNamePolicy.Default);
    }

    private enum State { Ready, InEntry, Completed, Failed, Disposed }

    internal ArchiveOutput Output { get; }

    /// <summary>What an <see cref="ArchivePlan"/> asks of this writer: nothing (a plain writer), a length, or a byte range.</summary>
    internal PlanPurpose Purpose { get; init; }

    /// <summary>The time of entries without <see cref="ArchiveEntry.LastModified"/> whose source tells none.</summary>
    internal DateTimeOffset DefaultLastModified
    {
        get => _defaultTime;
        init => _defaultTime = value;
    }

    /// <summary>
    /// True when the writer belongs to an <see cref="ArchivePlan"/>: every byte must then follow from what is known before
    /// any source is opened (a range lays out entries it never opens), so what a source learns when opened (an HTTP
    /// Last-Modified) does not date its entry.
    /// </summary>
    internal bool Planned { get; init; }

    /// <inheritdoc/>
    public long BytesWritten => Output.Position;

    /// <summary>Writes the entry's header and returns where its content goes. Throws <see cref="ArchiveException"/> for what the format cannot hold.</summary>
    private protected abstract ValueTask<IEntryContent> BeginEntryAsync(PreparedEntry entry, CancellationToken cancellationToken);

    /// <summary>Writes the archive's end records.</summary>
    private protected abstract ValueTask WriteEndAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What an aborted archive that reached archive offset <paramref name="reached"/> ends with, so that no reader takes
    /// it for complete: nothing, for formats whose end records are what readers look for (zip); see the tar writer.
    /// </summary>
    private protected virtual ReadOnlyMemory<byte> AbortMarker(long reached) => ReadOnlyMemory<byte>.Empty;

    /// <summary>
    /// Refuses, before its source is opened and before any byte of it is written, an entry the format cannot hold
    /// (tar: an unknown length; zip: a hard link). Throws <see cref="ArchiveException"/>.
    /// </summary>
    private protected virtual void CheckEntry(PreparedEntry entry)
    {
    }

    /// <summary>
    /// Refuses an entry whose bytes this format cannot lay out without reading its content, for
    /// <paramref name="purpose"/> (a compressed layout; for a zip range, an entry without a declared CRC-32).
    /// Throws <see cref="ArchiveException"/> with the reason.
    /// </summary>
    private protected virtual void CheckPlannable(PreparedEntry entry, PlanPurpose purpose)
    {
    }

    /// <summary>
    /// Refuses options under which no archive, not even an empty one, can be laid out without its content (a compressed
    /// tar): checked once, before any entry, so that the answer does not depend on whether there are entries.
    /// Throws <see cref="ArchiveException"/> with the reason.
    /// </summary>
    internal virtual void CheckPlannable(PlanPurpose purpose)
    {
    }

    /// <inheritdoc/>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask AddEntryAsync(ArchiveEntry entry, EntrySource? source = null, CancellationToken cancellationToken = default)
    {
        using var call = Claim();
        Enter();
        try
        {
            var prepared = Prepare(entry, source, pushed: false);
            if (prepared.Length is not null || prepared.Source is null || Output.IsWindowed)
            {
                // Checked before the source is opened; an entry whose length the source tells only when opened is
                // checked once it is known (in AddWholeEntryAsync).
                CheckEntry(prepared);
            }

            if (Output.IsWindowed)
            {
                await AddWindowedEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await AddWholeEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
            }

            _state = State.Ready;
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    /// <summary>The normal case: open the source, write the header, pump every byte.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AddWholeEntryAsync(PreparedEntry prepared, CancellationToken cancellationToken)
    {
        Stream? stream = null;
        try
        {
            if (prepared.Source is { } s)
            {
                stream = await OpenSourceAsync(prepared, s, 0, cancellationToken).ConfigureAwait(false);
                prepared = LearnFromOpenedSource(prepared, stream);
            }

            CheckEntry(prepared);

            var content = await BeginEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
            var counter = new ContentCounter(prepared, content);
            if (stream is not null)
            {
                await PumpAsync(prepared, stream, counter, limit: null, cancellationToken).ConfigureAwait(false);
            }

            await counter.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A window of the archive (a range, or a length prediction): the header is laid out as always, and the content is
    /// read only where it overlaps the window, from the source opened at the offset it needs; the rest is counted.
    /// </summary>
    private async ValueTask AddWindowedEntryAsync(PreparedEntry prepared, CancellationToken cancellationToken)
    {
        if (prepared.Length is not { } length)
        {
            throw new ArchiveException(prepared.Name, "its length is unknown until it is read, so the archive's length and byte ranges cannot be known in advance; declare Length");
        }

        CheckPlannable(prepared, Purpose);
        var content = await BeginEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
        var counter = new ContentCounter(prepared, content);
        var dataStart = Output.Position;
        if (prepared.Source is not { } source || !Output.Overlaps(dataStart, length))
        {
            counter.Skip(length);
        }
        else
        {
            var (windowStart, windowEnd) = Output.Window;
            var before = Math.Max(0, windowStart - dataStart);
            var needed = Math.Min(length, windowEnd - dataStart) - before;
            counter.Skip(before);
            var stream = await OpenSourceAsync(prepared, source, before, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await PumpAsync(prepared, stream, counter, needed, cancellationToken).ConfigureAwait(false);
            }

            counter.Skip(length - before - needed);
        }

        await counter.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<Stream> OpenEntryAsync(ArchiveEntry entry, CancellationToken cancellationToken = default)
    {
        using var call = Claim();
        Enter();
        try
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (entry.Kind != EntryKind.File)
            {
                throw new ArgumentException($"entry '{entry.Name}': only file entries are written through a stream; add a {entry.Kind} with AddEntryAsync", nameof(entry));
            }

            var prepared = Prepare(entry, source: null, pushed: true);
            CheckEntry(prepared);
            var content = await BeginEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
            return new EntryWriteStream(this, new ContentCounter(prepared, content));
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

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
            Fail(ex);
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
            return;
        }

        _failure ??= new InvalidOperationException("the archive was disposed before it was completed");
        _state = State.Disposed;
        await Output.AbortAsync(AbortMarker).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask WriteEntryContentAsync(ContentCounter counter, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var call = Claim();
        ThrowIfNot(State.InEntry);
        try
        {
            await counter.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    internal async ValueTask FinishEntryAsync(ContentCounter counter, CancellationToken cancellationToken)
    {
        if (_state is State.Failed or State.Disposed)
        {
            // The failure was already reported where it happened; disposing the entry stream must not hide it.
            return;
        }

        using var call = Claim();
        ThrowIfNot(State.InEntry);
        try
        {
            await counter.FinishAsync(cancellationToken).ConfigureAwait(false);
            _state = State.Ready;
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    internal void AbandonEntry(string entryName) =>
        Fail(new ArchiveException(entryName, "the entry stream was disposed synchronously, so the entry could not be finished; use DisposeAsync"));

    private void Enter()
    {
        ThrowIfNot(State.Ready);
        _state = State.InEntry;
    }

    /// <summary>
    /// Claims the writer for one call, until the returned scope is disposed. A call made while another runs (from another
    /// thread, or without awaiting the one before) would interleave two entries' bytes: it fails the archive and throws,
    /// so that <see cref="CompleteAsync"/> can never call such an archive complete.
    /// </summary>
    private CallScope Claim()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            var ex = new InvalidOperationException("the archive writer was called while another call on it was still running; it takes one call at a time (await each call before making the next), so the archive was failed");
            Fail(ex);
            throw ex;
        }

        return new CallScope(this);
    }

    /// <summary>Ends a call claimed by <see cref="Claim"/>.</summary>
    private readonly struct CallScope(ArchiveWriter writer) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref writer._busy, 0);
    }

    private void ThrowIfNot(State expected)
    {
        if (_state == expected && Volatile.Read(ref _failure) is null)
        {
            return;
        }

        throw _state switch
        {
            State.Disposed when _failure is null => new ObjectDisposedException(GetType().Name),
            _ when _failure is not null => new InvalidOperationException($"the archive failed earlier and was aborted: {_failure.Message}", _failure),
            State.InEntry => new InvalidOperationException("an entry is still being written; dispose its stream first"),
            State.Ready => new InvalidOperationException("no entry is being written"),
            _ => new InvalidOperationException("the archive is already complete"),
        };
    }

    private void Fail(Exception ex)
    {
        if (_state != State.Disposed)
        {
            _state = State.Failed;
        }

        Interlocked.CompareExchange(ref _failure, ex, null);
    }

    private PreparedEntry Prepare(ArchiveEntry entry, EntrySource? source, bool pushed)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != EntryKind.File && source is not null)
        {
            throw new ArgumentException($"entry '{entry.Name}': a {entry.Kind} has no content source", nameof(source));
        }

        var isLink = entry.Kind is EntryKind.SymbolicLink or EntryKind.HardLink;
        if (isLink && entry.LinkTarget is null)
        {
            throw new ArgumentException($"entry '{entry.Name}': a symbolic link needs a LinkTarget", nameof(entry));
        }

        if (!isLink && entry.LinkTarget is not null)
        {
            throw new ArgumentException($"entry '{entry.Name}': a {entry.Kind} has no LinkTarget", nameof(entry));
        }

        if (entry.Kind == EntryKind.Directory && entry.Length is > 0)
        {
            throw new ArgumentException($"entry '{entry.Name}': a directory has no content, but Length is {entry.Length}", nameof(entry));
        }

        var name = _names.Register(entry.Name, entry.Kind);
        string? target = null;
        long? length = entry.Length;
        switch (entry.Kind)
        {
            case EntryKind.Directory:
                length = 0;
                break;
            case EntryKind.HardLink:
                target = _names.CheckHardLinkTarget(entry.Name, name, entry.LinkTarget!);
                if (length is > 0)
                {
                    throw new ArgumentException($"entry '{name}': a hard link has no content, but Length is {length}", nameof(entry));
                }

                length = 0;
                break;
            case EntryKind.SymbolicLink:
                target = EntryNameRegistry.CheckLinkTarget(entry.Name, name, entry.LinkTarget!);
                if (length is > 0)
                {
                    throw new ArgumentException($"entry '{name}': a symbolic link has no content of its own (its target is LinkTarget), but Length is {length}", nameof(entry));
                }

                length = 0;
                break;
            default:
                if (!pushed && source is null && length is > 0)
                {
                    throw new ArgumentException($"entry '{name}': Length is {length} but there is no source", nameof(source));
                }

                // Pushed content is as long as what the producer writes, unless declared.
                length ??= pushed ? null : source is null ? 0 : source.Length;
                break;
        }

        var mode = entry.Mode ?? entry.Kind switch
        {
            EntryKind.Directory => (UnixFileMode)0b111_101_101,
            EntryKind.SymbolicLink => (UnixFileMode)0b111_111_111,
            _ => (UnixFileMode)0b110_100_100,
        };

        return new PreparedEntry
        {
            Name = name,
            NameUtf8 = System.Text.Encoding.UTF8.GetBytes(name),
            Kind = entry.Kind,
            Length = length,
            Crc32 = entry.Crc32,
            LastModified = entry.LastModified ?? source?.LastModified ?? _defaultTime,
            TimeIsDefault = entry.LastModified is null && source?.LastModified is null,
            Mode = mode,
            LinkTarget = target,
            UserId = entry.UserId ?? 0,
            HasOwner = entry.UserId is not null || entry.GroupId is not null,
            GroupId = entry.GroupId ?? 0,
            UserName = entry.UserName ?? "",
            GroupName = entry.GroupName ?? "",
            Source = source,
        };
    }

    /// <summary>
    /// The entry as its opened source describes it: a length the source learned on opening (an HTTP Content-Length, a
    /// seekable stream), and, outside a plan, a time it learned (an HTTP Last-Modified) for an entry that declares none.
    /// </summary>
    private PreparedEntry LearnFromOpenedSource(PreparedEntry prepared, Stream stream)
    {
        var metadata = stream as IEntrySourceMetadata;
        var length = prepared.Length ?? metadata?.Length ?? (stream.CanSeek ? stream.Length - stream.Position : null);
        var time = !Planned && prepared.TimeIsDefault && metadata?.LastModified is { } learned ? learned : (DateTimeOffset?)null;
        if (length == prepared.Length && time is null)
        {
            return prepared;
        }

        return prepared with { Length = length, LastModified = time ?? prepared.LastModified, TimeIsDefault = time is null && prepared.TimeIsDefault };
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Stream> OpenSourceAsync(PreparedEntry entry, EntrySource source, long offset, CancellationToken cancellationToken)
    {
        try
        {
            return await source.OpenAsync(offset, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ArchiveException(entry.Name, $"source could not be opened: {ex.Message}", ex);
        }
    }

    /// <summary>Reads the source to its end, or exactly <paramref name="limit"/> bytes of it when given.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask PumpAsync(PreparedEntry entry, Stream stream, ContentCounter counter, long? limit, CancellationToken cancellationToken)
    {
        var remaining = limit ?? long.MaxValue;

        // Bytes already in memory go to the format as slices of that memory, without a copy; others are read into a rented buffer.
        var memory = stream as ReadOnlyMemoryStream;
        var buffer = memory is null ? ArrayPool<byte>.Shared.Rent(SourceBufferSize) : null;
        try
        {
            while (remaining > 0)
            {
                ReadOnlyMemory<byte> chunk;
                if (memory is not null)
                {
                    chunk = memory.Take((int)Math.Min(MemoryChunkSize, remaining));
                }
                else
                {
                    try
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(SourceBufferSize, remaining)), cancellationToken).ConfigureAwait(false);
                        chunk = buffer.AsMemory(0, read);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        throw new ArchiveException(entry.Name, $"source failed after {counter.Length} bytes: {ex.Message}", ex);
                    }
                }

                if (chunk.IsEmpty)
                {
                    if (limit is not null)
                    {
                        throw new ArchiveException(entry.Name, $"source ended {remaining} bytes before the end of the range being written");
                    }

                    return;
                }

                remaining -= chunk.Length;
                await counter.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
