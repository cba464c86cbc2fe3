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
        private const int SegmentBytes = 64 * 1024;

        /// <summary>A read goes into what is left of the current segment while at least this much is.</summary>
        private const int MinimumReadBytes = 4096;

        private readonly Pipe _pipe;
        private long? _openedLength;
        private DateTimeOffset? _openedLastModified;
        private readonly Task<Exception?> _opened;
        private readonly TaskCompletionSource<Exception?> _openResult = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _copying;
        private bool _taken;

        public Prefetch(EntrySource source, int bufferBytes, CancellationToken stop)
        {
            // Segments of 64 KiB (less for a small buffer), each filled before the next is taken: a socket gives 16 KiB
            // or so a read, and asking each read for a fresh 64 KiB would hold four times the bytes it buffers.
            var segment = Math.Min(SegmentBytes, Math.Max(4096, bufferBytes / 4));
            _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: bufferBytes, resumeWriterThreshold: bufferBytes / 2, minimumSegmentSize: segment, useSynchronizationContext: false));
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

            return new PrefetchedStream(_pipe.Reader.AsStream(), _openedLength, _openedLastModified);
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
            _openResult.SetResult(null);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    while (true)
                    {
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
            }
        }
    }

    /// <summary>A prefetched entry's buffered content, telling what its source told when opened.</summary>
    private sealed class PrefetchedStream(Stream buffered, long? length, DateTimeOffset? lastModified) : ReadOnlyStreamBase, IEntrySourceMetadata
    {
        long? IEntrySourceMetadata.Length => length;

        DateTimeOffset? IEntrySourceMetadata.LastModified => lastModified;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            buffered.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            buffered.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read prefetched content asynchronously");

        public override async ValueTask DisposeAsync()
        {
            await buffered.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                buffered.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
