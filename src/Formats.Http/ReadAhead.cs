using System.IO.Pipelines;
using Formats.Streaming;

namespace Formats.Http;

/// <summary>
/// Hides per-entry latency (remote sources that take a round trip before their first byte): while one entry streams,
/// the next <see cref="Depth"/> are already being opened and read into bounded buffers, at most
/// <c>bufferBytesPerEntry</c> each. Wrap the items with <see cref="Create"/>, write <see cref="Items"/>, then dispose,
/// which stops and releases whatever was read ahead and not used. Sources opened at an offset (byte ranges) bypass it.
/// </summary>
public sealed class ReadAhead : IAsyncDisposable
{
    private readonly List<EntrySource?> _sources;
    private readonly Prefetch?[] _prefetches;
    private readonly int _bufferBytes;
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    private ReadAhead(IReadOnlyList<ArchiveItem> items, int depth, int bufferBytes)
    {
        Depth = depth;
        _bufferBytes = bufferBytes;
        _sources = [.. items.Select(i => i.Source)];
        _prefetches = new Prefetch?[items.Count];
        Items = [.. items.Select((item, index) => item.Source is null ? item : item with { Source = new PrefetchingSource(this, index, item.Source) })];
    }

    /// <summary>How many entries ahead are opened.</summary>
    public int Depth { get; }

    /// <summary>The items with read-ahead sources, in the same order.</summary>
    public IReadOnlyList<ArchiveItem> Items { get; }

    /// <summary>Wraps <paramref name="items"/>: up to <paramref name="depth"/> entries ahead, at most <paramref name="bufferBytesPerEntry"/> buffered each.</summary>
    public static ReadAhead Create(IEnumerable<ArchiveItem> items, int depth = 4, int bufferBytesPerEntry = 256 * 1024)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytesPerEntry, 4096);
        return new ReadAhead([.. items], depth, bufferBytesPerEntry);
    }

    /// <summary>Stops every read-ahead still running and releases its buffer and source.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var prefetch in _prefetches)
        {
            if (prefetch is not null)
            {
                await prefetch.AbandonAsync().ConfigureAwait(false);
            }
        }

        _stop.Dispose();
    }

    /// <summary>Entry <paramref name="index"/> is being opened: start the ones after it.</summary>
    private void StartAfter(int index)
    {
        for (var next = index + 1; next <= index + Depth && next < _sources.Count; next++)
        {
            if (_prefetches[next] is null && _sources[next] is { } source && !_disposed)
            {
                _prefetches[next] = new Prefetch(source, _bufferBytes, _stop.Token);
            }
        }
    }

    private sealed class PrefetchingSource(ReadAhead owner, int index, EntrySource inner) : EntrySource
    {
        public override long? Length => inner.Length;

        public override DateTimeOffset? LastModified => inner.LastModified;

        public override string? Location => inner.Location;

        public override SparseMap? SparseMap => inner.SparseMap;

        public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => inner.GetIdentityAsync(cancellationToken);

        public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
        {
            if (offset != 0 || owner._disposed || owner.Depth == 0)
            {
                return await inner.OpenAsync(offset, cancellationToken).ConfigureAwait(false);
            }

            var prefetch = owner._prefetches[index] ??= new Prefetch(inner, owner._bufferBytes, owner._stop.Token);
            owner.StartAfter(index);
            return await prefetch.TakeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One entry being opened and read into a bounded pipe ahead of its turn.</summary>
    private sealed class Prefetch
    {
        /// <summary>A read goes into what is left of the current segment while at least this much is.</summary>
        private const int MinimumReadBytes = 4096;

        private readonly Pipe _pipe;
        private long? _openedLength;
        private DateTimeOffset? _openedLastModified;
        private string? _openedIdentity;
        private readonly Task<Exception?> _opened;
        private readonly TaskCompletionSource<Exception?> _openResult = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _copying;
        private volatile bool _taken;

        /// <summary>The source, handed to the reader once the entry's turn came: the rest is read from it directly.</summary>
        private Stream? _handedOff;

        public Prefetch(EntrySource source, int bufferBytes, CancellationToken stop)
        {
            // Segments of 64 KiB from a pool of their own, each filled before the next is taken: a socket gives 16 KiB
            // or so a read, and asking each read for a fresh 64 KiB would hold four times the bytes it buffers.
            _pipe = new Pipe(new PipeOptions(
                pool: SegmentPool.Instance,
                pauseWriterThreshold: bufferBytes,
                resumeWriterThreshold: bufferBytes / 2,
                minimumSegmentSize: SegmentPool.SegmentBytes,
                useSynchronizationContext: false));
            _opened = _openResult.Task;
            _copying = Task.Run(() => CopyAsync(source, stop), CancellationToken.None);
        }

        /// <summary>The entry's content, from the buffer on; a failure to open is thrown here, as a direct open would.</summary>
        public async ValueTask<Stream> TakeAsync(CancellationToken cancellationToken)
        {
            _taken = true;
            if (await _opened.WaitAsync(cancellationToken).ConfigureAwait(false) is { } error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }

            return new PrefetchedStream(_pipe.Reader.AsStream(), this, _openedLength, _openedLastModified, _openedIdentity);
        }

        /// <summary>The source the copier stopped reading (null when it read to the end): the reader goes on from it.</summary>
        public Stream? TakeSource()
        {
            var source = _handedOff;
            _handedOff = null;
            return source;
        }

        public async ValueTask AbandonAsync()
        {
            if (!_taken)
            {
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }

            try
            {
                await _copying.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped on purpose.
            }

            // A source handed over to a reader that never came for it.
            if (TakeSource() is { } source)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async Task CopyAsync(EntrySource source, CancellationToken stop)
        {
            Stream stream;
            try
            {
                stream = await source.OpenAsync(0, stop).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _openResult.SetResult(ex);
                await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
                return;
            }

            // What the source tells when opened goes on with the buffered stream, as a direct open would tell it.
            var metadata = stream as IEntrySourceMetadata;
            _openedLength = metadata?.Length ?? (stream.CanSeek ? stream.Length - stream.Position : null);
            _openedLastModified = metadata?.LastModified;
            _openedIdentity = metadata?.Identity;
            _openResult.SetResult(null);
            var handedOff = false;
            try
            {
                while (true)
                {
                    // Once the entry's turn came and its reader caught up with what was buffered, the copy stops and the
                    // reader reads the rest from the source itself: the buffer hides the opening, not every byte.
                    if (_taken)
                    {
                        _handedOff = stream;
                        handedOff = true;
                        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
                        return;
                    }

                    var memory = _pipe.Writer.GetMemory(MinimumReadBytes);
                    var n = await stream.ReadAsync(memory, stop).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    _pipe.Writer.Advance(n);
                    var flushed = await _pipe.Writer.FlushAsync(stop).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        return; // the reader is gone
                    }
                }

                await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The reader's next read throws this, and the sink names the entry.
                await _pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            }
            finally
            {
                if (!handedOff)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// A prefetched entry's content: what was buffered, then, when the copier handed the source over, the rest from
    /// the source itself; it tells what its source told when opened.
    /// </summary>
    private sealed class PrefetchedStream(Stream buffered, Prefetch prefetch, long? length, DateTimeOffset? lastModified, string? identity) : ReadOnlyStreamBase, IEntrySourceMetadata
    {
        private Stream? _source;
        private bool _bufferEnded;

        long? IEntrySourceMetadata.Length => length;

        DateTimeOffset? IEntrySourceMetadata.LastModified => lastModified;

        string? IEntrySourceMetadata.Identity => identity;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_bufferEnded)
            {
                var n = await buffered.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n > 0 || buffer.IsEmpty)
                {
                    return n;
                }

                _bufferEnded = true;
                _source = prefetch.TakeSource();
            }

            return _source is null ? 0 : await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read prefetched content asynchronously");

        public override async ValueTask DisposeAsync()
        {
            await buffered.DisposeAsync().ConfigureAwait(false);
            if ((_source ?? prefetch.TakeSource()) is { } source)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                buffered.Dispose();
                (_source ?? prefetch.TakeSource())?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
