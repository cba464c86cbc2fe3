using System.IO.Pipelines;
using Formats.Streaming;

namespace Formats.Http;

/// <summary>One entry read ahead: opened and read into a bounded pipe before its turn, then handed to its reader.</summary>
public sealed partial class ReadAhead
{
    /// <summary>One entry being opened and read into a bounded pipe ahead of its turn.</summary>
    private sealed class Prefetch
    {
        /// <summary>A read goes into what is left of the current segment while at least this much is.</summary>
        private const int MinimumReadBytes = 4096;

        private readonly ReadAhead _owner;
        private readonly Pipe _pipe;
        private readonly ReadAheadBudget _budget;
        private readonly int _bufferBytes;
        private readonly CancellationTokenSource _cancel;
        private long? _openedLength;
        private DateTimeOffset? _openedLastModified;
        private string? _openedIdentity;
        private readonly TaskCompletionSource<Exception?> _openResult = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _copying;
        private volatile bool _taken;
        private int _connectionReturned;
        private int _bytesReturned;
        private int _abandoned;

        /// <summary>The source, handed to the reader once the entry's turn came: the rest is read from it directly.</summary>
        private Stream? _handedOff;

        /// <summary>Starts reading <paramref name="source"/> ahead, with one connection and <paramref name="bufferBytes"/> already taken from <paramref name="budget"/>.</summary>
        public Prefetch(ReadAhead owner, int index, EntrySource source, int bufferBytes, ReadAheadBudget budget, CancellationToken stop)
        {
            _owner = owner;
            Index = index;
            _budget = budget;
            _bufferBytes = bufferBytes;

            // Segments of 64 KiB from a pool of their own, each filled before the next is taken: a socket gives 16 KiB
            // or so a read, and asking each read for a fresh 64 KiB would hold four times the bytes it buffers.
            _pipe = new Pipe(new PipeOptions(
                pool: SegmentPool.Instance,
                pauseWriterThreshold: bufferBytes,
                resumeWriterThreshold: bufferBytes / 2,
                minimumSegmentSize: SegmentPool.SegmentBytes,
                useSynchronizationContext: false));
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var token = _cancel.Token;
            _copying = Task.Run(() => CopyAsync(source, token), CancellationToken.None);
        }

        /// <summary>The entry's index among the items.</summary>
        public int Index { get; }

        /// <summary>The entry's content, from the buffer on; a failure to open is thrown here, as a direct open would.</summary>
        public async ValueTask<Stream> TakeAsync(CancellationToken cancellationToken)
        {
            _taken = true;
            ReturnConnection(); // no longer ahead: its turn came
            if (await _openResult.Task.WaitAsync(cancellationToken).ConfigureAwait(false) is { } error)
            {
                _owner.Forget(this);
                await AbandonAsync().ConfigureAwait(false);
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

        /// <summary>What was buffered has been read (or never will be): its bytes go back to the budget.</summary>
        public void ReturnBytes()
        {
            if (Interlocked.Exchange(ref _bytesReturned, 1) == 0)
            {
                _budget.ReturnBytes(_bufferBytes);
            }
        }

        private void ReturnConnection()
        {
            if (Interlocked.Exchange(ref _connectionReturned, 1) == 0)
            {
                _budget.ReturnConnection();
            }
        }

        /// <summary>Stops the copy, waits for it, and releases the source and the budget. Never throws.</summary>
        public async ValueTask AbandonAsync()
        {
            if (Interlocked.Exchange(ref _abandoned, 1) != 0)
            {
                return;
            }

            await _cancel.CancelAsync().ConfigureAwait(false);
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

            _cancel.Dispose();
            ReturnConnection();
            ReturnBytes();
        }

        /// <summary>The reader disposed the entry's stream: what is left of the read-ahead goes.</summary>
        public async ValueTask ReleaseAsync()
        {
            _owner.Forget(this);
            await AbandonAsync().ConfigureAwait(false);
        }

        /// <summary>As <see cref="ReleaseAsync"/>, without waiting for the copy to stop.</summary>
        public void Release()
        {
            _owner.Forget(this);
            if (Interlocked.Exchange(ref _abandoned, 1) != 0)
            {
                return;
            }

            _cancel.Cancel();
            TakeSource()?.Dispose();
            ReturnConnection();
            ReturnBytes();
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
                ReturnConnection();
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
                    var flush = _pipe.Writer.FlushAsync(stop);
                    FlushResult flushed;
                    if (!flush.IsCompleted && stream is HttpBodyStream body)
                    {
                        var flushing = flush.AsTask();
                        if (!await FlushedWithinAsync(flushing, body.ParkAfter, stop).ConfigureAwait(false) && !_taken && await body.ParkAsync().ConfigureAwait(false))
                        {
                            // The buffer stayed full: a connection left idle until the entry's turn would be closed by
                            // an upstream's idle timeout. A resumable body lets go of it now and asks for the rest then.
                            ReturnConnection();
                        }

                        flushed = await flushing.ConfigureAwait(false);
                    }
                    else
                    {
                        flushed = await flush.ConfigureAwait(false);
                    }

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
                    ReturnConnection();
                }
            }
        }

        /// <summary>Whether <paramref name="flush"/> (the reader making room in the buffer) completes within <paramref name="limit"/>.</summary>
        private static async ValueTask<bool> FlushedWithinAsync(Task<FlushResult> flush, TimeSpan limit, CancellationToken stop)
        {
            if (limit <= TimeSpan.Zero)
            {
                return false;
            }

            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var waited = await Task.WhenAny(flush, Task.Delay(limit, timer.Token)).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            return waited == flush;
        }
    }
}
