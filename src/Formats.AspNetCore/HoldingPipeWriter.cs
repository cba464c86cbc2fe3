using System.Buffers;
using System.IO.Pipelines;

namespace Formats.AspNetCore;

/// <summary>
/// Holds the first bytes of a response in a buffer of its own (up to <c>holdBytes</c>, then the writer's next flush
/// releases them to <c>inner</c>), so that a failure while they are held can still be answered with an error that
/// carries only the error: Kestrel keeps unflushed body bytes and would send them ahead of any later body, and they
/// cannot be taken back once handed to it. Bytes handed to the response are told to <c>sent</c> at each flush, as they go.
/// </summary>
internal sealed class HoldingPipeWriter(PipeWriter inner, int holdBytes, Action<long>? sent = null) : PipeWriter
{
    private ArrayBufferWriter<byte>? _held = new();

    /// <summary>Bytes handed to the response and not yet told to <c>sent</c>.</summary>
    private long _untold;

    /// <summary>True once a flush found the response's reader gone: the client closed or reset the connection.</summary>
    public bool ReaderGone { get; private set; }

    /// <summary>True once any byte went to the response (or the writer was released): from then on, only aborting tells the client.</summary>
    public bool Released => _held is null;

    /// <summary>Every byte written, held or not.</summary>
    public long Written { get; private set; }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _held is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _held is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

    public override void Advance(int bytes)
    {
        Written += bytes;
        if (_held is { } held)
        {
            held.Advance(bytes);
        }
        else
        {
            inner.Advance(bytes);
            _untold += bytes;
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_held is { } held)
        {
            if (held.WrittenCount < holdBytes)
            {
                return ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: false));
            }

            Release();
        }

        Tell();
        return Watch(inner.FlushAsync(cancellationToken));
    }

    /// <summary>Tells <c>sent</c> the bytes handed to the response since it was last told.</summary>
    public void Tell()
    {
        if (_untold > 0)
        {
            sent?.Invoke(_untold);
            _untold = 0;
        }
    }

    /// <summary>A flush of the response, noting a reader that is gone.</summary>
    private ValueTask<FlushResult> Watch(ValueTask<FlushResult> flush)
    {
        if (flush.IsCompletedSuccessfully)
        {
            ReaderGone |= flush.Result.IsCompleted;
            return flush;
        }

        return WatchAsync(flush);

        async ValueTask<FlushResult> WatchAsync(ValueTask<FlushResult> pending)
        {
            var result = await pending.ConfigureAwait(false);
            ReaderGone |= result.IsCompleted;
            return result;
        }
    }

    /// <summary>Hands the held bytes to the response (unflushed).</summary>
    public void Release()
    {
        if (_held is { } held)
        {
            _held = null;
            inner.Write(held.WrittenSpan);
            _untold += held.WrittenCount;
        }
    }

    /// <summary>Releases the held bytes and flushes: the archive is complete.</summary>
    public async ValueTask ReleaseAndFlushAsync(CancellationToken cancellationToken)
    {
        Release();
        Tell();
        await Watch(inner.FlushAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Once released, a piece goes to the response's own WriteAsync (one copy into its blocks, and a flush).</summary>
    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_held is null)
        {
            Written += source.Length;
            _untold += source.Length;
            Tell();
            return Watch(inner.WriteAsync(source, cancellationToken));
        }

        var span = GetSpan(source.Length);
        source.Span.CopyTo(span);
        Advance(source.Length);
        return FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        if (exception is null)
        {
            Release();
            Tell();
        }

        inner.Complete(exception);
    }
}
