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
public sealed class ResilientCrcStore : ICrcStore, IAsyncDisposable
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
    private bool _open;
    private long _openUntil; // the timestamp after which calls may reach the store again, while _open
    private bool _probing;
    private bool _degraded;
    private string? _problem;
    private long _dropped;

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

    /// <summary>True from a failure of the store until it answers again.</summary>
    public bool IsDegraded
    {
        get
        {
            lock (_lock)
            {
                return _degraded;
            }
        }
    }

    /// <summary>What the last failure was (the exception's message), while <see cref="IsDegraded"/>; null otherwise.</summary>
    public string? Problem
    {
        get
        {
            lock (_lock)
            {
                return _degraded ? _problem : null;
            }
        }
    }

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
            var crc = await CallAsync(token => _inner.GetAsync(identity, token), cancellationToken).ConfigureAwait(false);
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
        if (!_writes.Writer.TryWrite(new(identity, crc)))
        {
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
                await CallAsync(token => _inner.GetAsync("formats:health", token), cancellationToken).ConfigureAwait(false);
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

    /// <summary>Stops taking writes and waits up to <see cref="Timeout"/> times 4 for the queued ones to reach the store.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(Timeout * 4, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The store hangs: what is still queued is lost, as a crash would lose it.
        }
    }

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
                    }, CancellationToken.None).ConfigureAwait(false);
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
        }
    }

    /// <summary>Runs <paramref name="call"/> off the caller's thread and gives it up after <see cref="Timeout"/>.</summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = Task.Run(() => call(abandon.Token).AsTask(), CancellationToken.None);
        try
        {
            return await task.WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no answer within {Timeout.TotalMilliseconds:0} ms");
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

    /// <summary>False while the breaker is open, and while another call tries the store after it.</summary>
    private bool MayCall()
    {
        lock (_lock)
        {
            if (!_open)
            {
                return true;
            }

            if (_time.GetTimestamp() < _openUntil || _probing)
            {
                return false;
            }

            _probing = true;
            return true;
        }
    }

    /// <summary>A call its caller gave up: neither a success nor a failure of the store, but no longer a try.</summary>
    private void Released()
    {
        lock (_lock)
        {
            _probing = false;
        }
    }

    private void Succeeded()
    {
        bool recovered;
        lock (_lock)
        {
            recovered = _degraded;
            _degraded = false;
            _open = false;
            _probing = false;
            _problem = null;
        }

        if (recovered && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("CRC store {Store} answers again; CRC-32s are looked up and remembered again", _inner.GetType().Name);
        }
    }

    private void Failed(Exception ex)
    {
        bool started;
        lock (_lock)
        {
            started = !_degraded;
            _degraded = true;
            _probing = false;
            _problem = ex.Message;
            _open = true;
            _openUntil = _time.GetTimestamp() + (long)(BreakDuration.TotalSeconds * _time.TimestampFrequency);
        }

        if (started && _logger.IsEnabled(LogLevel.Warning))
        {
            _logger.LogWarning(
                "CRC store {Store} failed: {Problem}. Archives go on without it (a resume reads the members before its cut); it is asked again every {BreakSeconds} s",
                _inner.GetType().Name,
                ex.Message,
                BreakDuration.TotalSeconds);
        }
    }
}
