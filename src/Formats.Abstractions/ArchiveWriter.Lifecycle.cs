namespace Formats;

/// <summary>The sink's life cycle: one call at a time, one entry at a time, and failure that sticks.</summary>
public abstract partial class ArchiveWriter
{
    private State _state = State.Ready;
    private Exception? _failure;

    /// <summary>1 while a call runs on the writer (<see cref="Claim"/>).</summary>
    private int _busy;

    private enum State { Ready, InEntry, Completed, Failed, Disposed }

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

    /// <summary>Fails the archive (sticky) from within the call that failed, and releases the unfinished entry's buffers.</summary>
    private ValueTask FailAsync(Exception ex)
    {
        Fail(ex);
        return AbortContentAsync();
    }

    private void Fail(Exception ex)
    {
        if (_state != State.Disposed)
        {
            _state = State.Failed;
        }

        Interlocked.CompareExchange(ref _failure, ex, null);
    }
}
