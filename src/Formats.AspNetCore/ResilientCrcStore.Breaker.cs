namespace Formats.AspNetCore;

/// <summary>The circuit breaker: closed, open for <see cref="BreakDuration"/> after a failure, then one try at a time.</summary>
public sealed partial class ResilientCrcStore
{
    private bool _open;
    private long _openUntil; // the timestamp after which calls may reach the store again, while _open
    private bool _probing;
    private bool _degraded;
    private string? _problem;

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

        if (recovered)
        {
            Log.CrcStoreRecovered(_logger, _inner.GetType().Name);
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

        if (started)
        {
            Log.CrcStoreFailed(_logger, _inner.GetType().Name, ex.Message, BreakDuration.TotalSeconds);
        }
    }
}
