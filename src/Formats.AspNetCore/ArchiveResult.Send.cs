using System.IO.Pipelines;
using Formats.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCore;

/// <summary>Sending the archive's bytes, and what a failure before or after the first byte becomes.</summary>
public sealed partial class ArchiveResult
{
    /// <summary>
    /// Writes the bytes of <paramref name="window"/> (the whole archive, or a range) from the plan over read-ahead
    /// sources, which know the same lengths and times, so the bytes are those that were measured and validated.
    /// </summary>
    private async Task SendAsync(HttpContext httpContext, ArchivePlan plan, (long Start, long End) window, ILogger logger)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var format = Format.Extension()[1..];
        using var rate = StartClientRate(httpContext);
        var metrics = ArchiveMetrics.For(httpContext.RequestServices);
        var body = new HoldingPipeWriter(response.BodyWriter, HeldResponseBytes, sent => metrics.Sent(format, sent), rate);
        var partial = response.StatusCode == StatusCodes.Status206PartialContent;
        var end = ArchiveEnd.Error; // an exception not caught below: this side's
        metrics.Start(format);
        try
        {
            if (_multipart is { } multipart)
            {
                await WritePartsAsync(body, plan, multipart, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteWindowAsync(body, plan, window.Start, window.End, whole: !partial, cancellationToken).ConfigureAwait(false);
            }

            await body.ReleaseAndFlushAsync(cancellationToken).ConfigureAwait(false);
            end = ArchiveEnd.Complete;
            Report = (_multipart is not null ? "complete ranges" : partial ? "complete range" : "complete", body.Written);
        }
        catch (Exception ex) when (ClientWentAway(httpContext, body, ex))
        {
            // The client closed, reset or stopped reading: no failure of this side, so no error and no trace. The writer
            // has disposed the open sources.
            var tooSlow = _tooSlow is not null;
            end = tooSlow ? ArchiveEnd.ClientTooSlow : ArchiveEnd.ClientGone;
            Report = (tooSlow ? "client too slow: connection aborted" : "client went away", body.Released ? body.Written : 0);
            Reason = _tooSlow ?? ex.Message;
            Log.ArchiveClientGone(logger, httpContext.TraceIdentifier, FileName, Report.Outcome, Report.BytesSent, Reason);
        }
        catch (Exception ex) when (ex is ArchiveException or IOException or HttpRequestException or InvalidEntryNameException)
        {
            Reason = ex.Message;
            end = ArchiveFailure.End(ex);
            Log.ArchiveFailed(logger, ex, httpContext.TraceIdentifier, FileName, ex.Message);
            if (!body.Released && !response.HasStarted)
            {
                // Nothing of the archive reached the response: the held bytes are dropped and the error goes alone, with
                // the status of its reason (502 for a source or the items, 504 for a source too slow, 500 for this side).
                var status = ArchiveFailure.Status(ex);
                Report = (string.Create(System.Globalization.CultureInfo.InvariantCulture, $"failed before the first byte: {status}"), 0);
                await WriteErrorAsync(response, status, $"the archive could not be made: {ex.Message}").ConfigureAwait(false);
                return;
            }

            // Headers (and perhaps Content-Length) are out: only a broken connection tells the client.
            Report = ("failed after the first byte: connection aborted", body.Written);
            httpContext.Abort();
        }
        finally
        {
            body.Tell();
            metrics.End(format, end);
        }
    }

    /// <summary>
    /// Writes the whole archive (<paramref name="whole"/>) or its bytes [<paramref name="start"/>, <paramref name="end"/>)
    /// over read-ahead sources; a range reads ahead only the entries whose content it needs.
    /// </summary>
    private async Task WriteWindowAsync(PipeWriter body, ArchivePlan plan, long start, long end, bool whole, CancellationToken cancellationToken)
    {
        var needed = whole ? null : plan.ContentInside(start, end) ?? (_ => false);
        var readAhead = ReadAhead.Create(Items, ReadAheadDepth, ReadAheadBufferBytes, ReadAheadBudget, needed);
        await using var readAheadScope = readAhead.ConfigureAwait(false);
        var sending = plan.WithItems(readAhead.Items);
        if (whole)
        {
            await sending.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await sending.WriteRangeAsync(body, start, end, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether a failure is the client's going away rather than this side's: the request was aborted, a flush found
    /// the response's reader gone, or the exception (or one inside it) is a reset or aborted connection.
    /// </summary>
    private static bool ClientWentAway(HttpContext httpContext, HoldingPipeWriter body, Exception ex)
    {
        if (httpContext.RequestAborted.IsCancellationRequested || body.ReaderGone)
        {
            return true;
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string message)
    {
        response.Headers.Clear();
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n", CancellationToken.None).ConfigureAwait(false);
    }
}
