using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Formats.AspNetCore;

/// <summary>
/// An <see cref="ICrcStore"/> in front of another (a SQLite file, Redis, your own) that can fail or hang without
/// slowing an archive by more than one <see cref="Timeout"/>: each call runs off the caller's thread (a synchronous
/// store blocks a pool thread, never the request) and is given up after <see cref="Timeout"/>; the first failure opens
/// a circuit breaker, and for <see cref="BreakDuration"/> no call reaches the store (lookups answer "not remembered",
/// so members before a resume's cut are read instead). Then one call at a time tries again, and the first success
/// closes the breaker. Writes never wait: they go to a bounded queue (<see cref="QueueCapacity"/>; a write that finds
/// it full is dropped) that one background loop empties. One warning is logged when an outage starts and one
/// information when the store answers again; <see cref="IsDegraded"/> tells health checks in between.
/// <c>formats serve</c> and <c>formats gateway</c> wrap every store in one.
/// </summary>
public sealed partial class ResilientCrcStore : ICrcStore, IAsyncDisposable, IDisposable
{
    /// <summary>The most writes waiting for the store; more are dropped (a later resume reads those members).</summary>
    public const int QueueCapacity = 4096;

    private readonly ICrcStore _inner;
    private readonly TimeProvider _time;
    private readonly Channel<KeyValuePair<string, uint>> _writes = Channel.CreateBounded<KeyValuePair<string, uint>>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // Written values not yet in the store: a lookup right after a write finds them, as it would without the queue.
    private readonly ConcurrentDictionary<string, uint> _pending = new(StringComparer.Ordinal);
    private readonly Task _writer;
    private readonly Lock _lock = new();
    private ILogger _logger;
    private long _dropped;

    private long _queued;

    private long _handled;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="logger"/> gets the outage's warning and the recovery's information.</summary>
    public ResilientCrcStore(ICrcStore inner, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The store wrapped.</summary>
    public ICrcStore Inner => _inner;

    /// <summary>The longest a call may take before it counts as a failure (default 500 ms).</summary>
    public TimeSpan Timeout
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest a queued write may take before it counts as a failure (default 5 s). Writes are off every request's
    /// path, so they may wait longer than lookups: a store's first call, which opens its connection, is often a write.
    /// </summary>
    public TimeSpan WriteTimeout
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a failure no call reaches the store (default 30 s).</summary>
    public TimeSpan BreakDuration
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(30);

    /// <summary>Writes dropped so far: the queue was full, or the breaker open when their turn came.</summary>
    public long DroppedWrites => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public async ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (_pending.TryGetValue(identity, out var written))
        {
            return written;
        }

        if (!MayCall())
        {
            return null;
        }

        try
        {
            var crc = await CallAsync(token => _inner.GetAsync(identity, token), Timeout, cancellationToken).ConfigureAwait(false);
            Succeeded();
            return crc;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(ex);
            return null;
        }
        catch (OperationCanceledException)
        {
            Released();
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _pending[identity] = crc;
        Interlocked.Increment(ref _queued);
        if (!_writes.Writer.TryWrite(new(identity, crc)))
        {
            Interlocked.Increment(ref _handled);
            _pending.TryRemove(new(identity, crc));
            Interlocked.Increment(ref _dropped);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// While degraded and the breaker's period is over, asks the store once (a lookup of a key no content has), so that
    /// a health check notices the recovery even when no archive asks; true when the store is not degraded.
    /// </summary>
    public async ValueTask<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (IsDegraded && MayCall())
        {
            try
            {
                await CallAsync(token => _inner.GetAsync("formats:health", token), Timeout, cancellationToken).ConfigureAwait(false);
                Succeeded();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Failed(ex);
            }
            catch (OperationCanceledException)
            {
                Released();
                throw;
            }
        }

        return !IsDegraded;
    }

    /// <summary>Stops taking writes and waits up to <see cref="WriteTimeout"/> times 2 for the queued ones to reach the store.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(WriteTimeout * 2, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The store hangs: what is still queued is lost, as a crash would lose it.
        }
    }

    /// <summary>Stops taking writes without waiting for the queued ones (<see cref="DisposeAsync"/> waits).</summary>
    public void Dispose() => _writes.Writer.TryComplete();

    /// <summary>Whether every write taken so far has been written or dropped: none is queued or on its way.</summary>
    internal bool WritesSettled => Interlocked.Read(ref _handled) == Interlocked.Read(ref _queued);

    /// <summary>The logger of the outage's warning and the recovery's information, given once the host has one.</summary>
    internal void UseLogger(ILogger logger) => _logger = logger;

    private async Task WriteLoopAsync()
    {
        await foreach (var (key, crc) in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (MayCall())
            {
                try
                {
                    await CallAsync(async token =>
                    {
                        await _inner.SetAsync(key, crc, token).ConfigureAwait(false);
                        return true;
                    }, WriteTimeout, CancellationToken.None).ConfigureAwait(false);
                    Succeeded();
                }
                catch (Exception ex)
                {
                    Failed(ex);
                    Interlocked.Increment(ref _dropped);
                }
            }
            else
            {
                Interlocked.Increment(ref _dropped);
            }

            _pending.TryRemove(new(key, crc));
            Interlocked.Increment(ref _handled);
        }
    }

    /// <summary>Runs <paramref name="call"/> off the caller's thread and gives it up after <paramref name="timeout"/>.</summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = Task.Run(() => call(abandon.Token).AsTask(), CancellationToken.None);
        try
        {
            return await task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        finally
        {
            // A call given up is told to stop; its late end or failure is observed here and goes nowhere.
            if (!task.IsCompleted)
            {
                await abandon.CancelAsync().ConfigureAwait(false);
                _ = task.ContinueWith(static (t, state) => { _ = t.Exception; ((IDisposable)state!).Dispose(); }, abandon, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                abandon.Dispose();
            }
        }
    }
}
