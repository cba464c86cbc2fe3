namespace Formats.AspNetCore;

/// <summary>
/// The minimum rate a client must take an archive at, measured over each window of time in which the archive waits for
/// the client (a flush of the response not yet taken); time the archive spends waiting for its members does not count.
/// A client that takes fewer than <c>bytesPerSecond</c> × the window's seconds in one such window is dropped by
/// <c>drop</c>, which frees its slot and its members' connections.
/// </summary>
/// <remarks>
/// Kestrel's own <c>MinResponseDataRate</c> (240 bytes/s after 5 s) does not drop such a client: every flush extends
/// its deadline by the flush's bytes divided by the rate, flushes that the socket buffers take at once included, so the
/// first megabytes an idle client's buffers absorb (4 MiB on loopback, measured) buy it hours. Here a window's bytes
/// count only toward that window, and a flush that never ends counts nothing.
/// </remarks>
internal sealed class ClientRate : IDisposable
{
    private readonly long _bytesPerSecond;
    private readonly TimeSpan _window;
    private readonly TimeProvider _clock;
    private readonly Action<string> _drop;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();

    /// <summary>Waiting in the current window, not counting the flush pending now.</summary>
    private TimeSpan _waited;

    /// <summary>Bytes of flushes that ended in the current window.</summary>
    private long _taken;

    /// <summary>When the pending flush began to wait (or its window began); null when none is pending.</summary>
    private long? _pendingSince;

    private long _pendingBytes;
    private bool _dropped;

    /// <summary>The sending ended: a late tick must not abort the connection, which may serve another request by now.</summary>
    private bool _disposed;

    public ClientRate(long bytesPerSecond, TimeSpan window, TimeProvider clock, Action<string> drop)
    {
        _bytesPerSecond = bytesPerSecond;
        _window = window;
        _clock = clock;
        _drop = drop;

        // Looked at four times a window: a client is dropped at most a quarter window after its window ended.
        var period = window / 4;
        _timer = clock.CreateTimer(_ => Check(), null, period, period);
    }

    /// <summary>A flush of <paramref name="bytes"/> that ended at once: the client (or the buffers before it) took them without a wait.</summary>
    public void Took(long bytes)
    {
        lock (_lock)
        {
            _taken += bytes;
        }
    }

    /// <summary>A flush of <paramref name="bytes"/> that did not end at once: the archive waits for the client.</summary>
    public void Waiting(long bytes)
    {
        lock (_lock)
        {
            _pendingSince = _clock.GetTimestamp();
            _pendingBytes = bytes;
        }
    }

    /// <summary>The pending flush ended: its bytes were taken.</summary>
    public void Taken()
    {
        lock (_lock)
        {
            if (_pendingSince is { } since)
            {
                _waited += _clock.GetElapsedTime(since);
                _taken += _pendingBytes;
                _pendingSince = null;
            }
        }

        Check();
    }

    private void Check()
    {
        lock (_lock)
        {
            if (_dropped || _disposed)
            {
                return;
            }

            var now = _clock.GetTimestamp();
            var waited = _waited + (_pendingSince is { } since ? _clock.GetElapsedTime(since, now) : TimeSpan.Zero);
            if (waited < _window)
            {
                return;
            }

            var needed = (long)(_bytesPerSecond * _window.TotalSeconds);
            if (_taken >= needed)
            {
                // A new window; a flush still pending waits on in it.
                (_waited, _taken) = (TimeSpan.Zero, 0);
                _pendingSince = _pendingSince is null ? null : now;
                return;
            }

            // Under the lock, so that a sending that has ended (disposed) is never aborted.
            _dropped = true;
            _drop($"the client took {_taken} bytes in {_window.TotalSeconds:0.#} s of waiting for it; the minimum is {_bytesPerSecond} bytes/s");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }
}
