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
        // A range reads ahead only the entries whose content it needs.
        var needed = response.StatusCode == StatusCodes.Status206PartialContent ? plan.ContentInside(window.Start, window.End) ?? (_ => false) : null;
        var readAhead = ReadAhead.Create(Items, ReadAheadDepth, ReadAheadBufferBytes, ReadAheadBudget, needed);
        await using var readAheadScope = readAhead.ConfigureAwait(false);
        var sending = plan.WithItems(readAhead.Items);
        var body = new HoldingPipeWriter(response.BodyWriter, HeldResponseBytes);
        var format = Format.Extension()[1..];
        var partial = response.StatusCode == StatusCodes.Status206PartialContent;
        var completed = false;
        ArchiveMetrics.Start(format);
        try
        {
            if (partial)
            {
                await sending.WriteRangeAsync(body, window.Start, window.End, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await sending.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            }

            await body.ReleaseAndFlushAsync(cancellationToken).ConfigureAwait(false);
            completed = true;
            Report = (partial ? "complete range" : "complete", body.Written);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the writer has disposed the open sources.
            Report = ("client went away", body.Released ? body.Written : 0);
        }
        catch (Exception ex) when (ex is ArchiveException or IOException or HttpRequestException or InvalidEntryNameException)
        {
            logger.LogError(ex, "archive {FileName} failed", FileName);
            if (!body.Released && !response.HasStarted)
            {
                // Nothing of the archive reached the response: the held bytes are dropped and the error goes alone.
                Report = ("failed before the first byte: 502", 0);
                await WriteErrorAsync(response, StatusCodes.Status502BadGateway, $"the archive could not be made: {ex.Message}").ConfigureAwait(false);
                return;
            }

            // Headers (and perhaps Content-Length) are out: only a broken connection tells the client.
            Report = ("failed after the first byte: connection aborted", body.Written);
            httpContext.Abort();
        }
        finally
        {
            ArchiveMetrics.End(format, Report.BytesSent, completed);
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string message)
    {
        response.Headers.Clear();
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n", CancellationToken.None).ConfigureAwait(false);
    }
}
