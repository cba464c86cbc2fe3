using System.Diagnostics;
using Formats.Streaming;

namespace Formats.Http;

/// <summary>
/// A response body that names its URL in errors, times out when no data comes or data comes too slowly, disposes
/// the response with it, and tells the writer the response's Content-Length and Last-Modified. When the connection
/// fails after the headers and <see cref="Resume"/> is set (the server gave a validator and Accept-Ranges), the rest is
/// requested again from the byte reached, up to <see cref="HttpSourceOptions.MaxResumes"/> times, and the reader sees
/// one continuous body.
/// </summary>
internal sealed class HttpBodyStream(HttpResponseMessage response, Stream body, string shown, HttpSourceOptions options) : ReadOnlyStreamBase, IEntrySourceMetadata
{
    private HttpResponseMessage _response = response;
    private Stream _body = body;
    private int _resumes;

    /// <summary>The connection was let go on purpose (<see cref="ParkAsync"/>): the next read asks for the rest.</summary>
    private bool _parked;

    /// <summary>Requests the content again from an offset, with the first response's validator in If-Range (null: the server cannot resume).</summary>
    public Func<long, CancellationToken, ValueTask<(HttpResponseMessage Response, Stream Body)>>? Resume { get; init; }

    // The minimum rate is measured over windows of time spent waiting for the upstream: each must bring at least
    // MinimumBytesPerSecond x RateWindow bytes. Time the archive's consumer takes between reads does not count.
    private long _waitedTicks;
    private long _windowBytes;

    /// <summary>The bytes still to come from the requested offset (Content-Length less what is skipped), when the server says.</summary>
    public long? RemainingLength { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The offset in the member's content of the body's first byte (0 when the server ignored the Range).</summary>
    public long ContentOffset { get; init; }

    /// <summary>Bytes read from the body so far: with <see cref="ContentOffset"/>, checked against the most a member may have.</summary>
    private long _received;

    /// <summary>When the request was sent (a <see cref="Stopwatch"/> timestamp): the fetch's duration is measured from it.</summary>
    public long Started { get; init; }

    private bool _ended;
    private CancellationTokenSource? _idle;
    private CancellationToken _idleLinkedTo;

    long? IEntrySourceMetadata.Length => RemainingLength;

    /// <summary>The response's identity of the content (see <see cref="HttpEntrySource.IdentityOf"/>), when it has a validator.</summary>
    public string? Identity { get; init; }

    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(count, 64 * 1024)];
        while (count > 0)
        {
            var n = await ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"GET {shown}: the body ended {count} bytes before the requested offset").WithReason(ArchiveErrorReason.SourceTooShort);
            }

            count -= n;
        }
    }

    /// <summary>
    /// Lets go of the connection while nobody reads (a member read ahead whose buffer is full), when the rest can be
    /// asked for again: the next read re-requests it from the byte reached, as a resume does, but neither counts
    /// against <see cref="HttpSourceOptions.MaxResumes"/> nor as a failure. False (connection kept) when the server
    /// cannot resume or the body has ended.
    /// </summary>
    /// <summary>How long a full read-ahead buffer keeps this body's connection before <see cref="ParkAsync"/> lets go of it.</summary>
    internal TimeSpan ParkAfter => options.ParkedConnectionLimit;

    internal async ValueTask<bool> ParkAsync()
    {
        if (Resume is null || _parked || _ended || (RemainingLength is { } remaining && _received >= remaining))
        {
            return false;
        }

        _parked = true;
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        return true;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_parked)
        {
            // A failure of this request fails the read as a failed resume does.
            _parked = false;
            await ResumeAsync(cancellationToken).ConfigureAwait(false);
        }

        var idle = IdleToken(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        int n;
        while (true)
        {
            try
            {
                n = await _body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failed(new TimeoutException($"GET {shown}: no data for {options.IdleTimeout.TotalSeconds:0.###} s"));
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                if (Resume is null || _resumes >= options.MaxResumes || cancellationToken.IsCancellationRequested)
                {
                    var tried = _resumes == 0 ? "" : $" (after {_resumes} resumes)";
                    throw Failed(new IOException($"GET {shown}: {ex.Message}{tried}", ex));
                }

                _resumes++;
                await ResumeAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Disarmed between reads: time the consumer takes is not the upstream's.
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            idle = IdleToken(cancellationToken);
        }

        try
        {
            CheckRate(Stopwatch.GetElapsedTime(started), n);
        }
        catch (TimeoutException ex)
        {
            throw Failed(ex);
        }

        _received += n;
        if (ContentOffset + _received > options.MaxMemberBytes)
        {
            throw Failed(new IOException($"GET {shown}: more than {options.MaxMemberBytes} bytes, the most a member may have").WithReason(ArchiveErrorReason.MemberTooLarge));
        }

        if (n == 0 && buffer.Length > 0 && !_ended)
        {
            _ended = true;
            HttpSourceMetrics.For(options.MeterFactory).Fetched(Started, _response.StatusCode);
        }

        return n;
    }

    /// <summary>Replaces the failed response with one for the rest of the content, from the byte reached.</summary>
    private async ValueTask ResumeAsync(CancellationToken cancellationToken)
    {
        var (next, nextBody) = await Resume!(ContentOffset + _received, cancellationToken).ConfigureAwait(false);
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _response = next;
        _body = nextBody;
    }

    /// <summary>
    /// The idle timeout of one read, armed: one source for every read with the same caller token (reads come by the
    /// thousand, and a source with its timer per read would be most of their cost).
    /// </summary>
    private CancellationTokenSource IdleToken(CancellationToken cancellationToken)
    {
        if (_idle is null || _idleLinkedTo != cancellationToken || (_idle.IsCancellationRequested && !_idle.TryReset()))
        {
            _idle?.Dispose();
            _idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _idleLinkedTo = cancellationToken;
        }

        _idle.CancelAfter(options.IdleTimeout);
        return _idle;
    }

    private Exception Failed(Exception error)
    {
        HttpSourceMetrics.For(options.MeterFactory).Failed(error);
        return error;
    }

    private void CheckRate(TimeSpan waited, int received)
    {
        if (options.MinimumBytesPerSecond == 0)
        {
            return;
        }

        _waitedTicks += waited.Ticks;
        _windowBytes += received;
        if (_waitedTicks < options.RateWindow.Ticks)
        {
            return;
        }

        var seconds = TimeSpan.FromTicks(_waitedTicks).TotalSeconds;
        if (_windowBytes < options.MinimumBytesPerSecond * seconds)
        {
            throw new TimeoutException($"GET {shown}: {_windowBytes} bytes in {seconds:0.###} s of waiting, slower than the minimum of {options.MinimumBytesPerSecond} bytes/s");
        }

        _waitedTicks = 0;
        _windowBytes = 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read HTTP bodies asynchronously");

    public override async ValueTask DisposeAsync()
    {
        _idle?.Dispose();
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idle?.Dispose();
            _body.Dispose();
            _response.Dispose();
        }

        base.Dispose(disposing);
    }
}
