using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCore;

/// <summary>The response's status and headers: type, disposition, length, validators and the range answered.</summary>
public sealed partial class ArchiveResult
{
    /// <summary>
    /// Status and headers: type, disposition, and where the length is known, Content-Length, validators and the range
    /// answered. Returns the bytes to send ([0, long.MaxValue) for the whole archive of unknown length), or null when
    /// nothing is to be sent (304, 412, 416; <see cref="Report"/> says which).
    /// </summary>
    private (long Start, long End)? WriteHeaders(HttpContext httpContext, ArchivePlan plan, LengthPrediction rangeable, LengthPrediction length, ILogger logger)
    {
        var response = httpContext.Response;

        // The archive goes out as it is made: no response buffering, and no response compression, which would break
        // the promised Content-Length and ranges (and gains nothing on compressed or stored-media archives).
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (httpContext.Features.Get<IHttpsCompressionFeature>() is { } compression)
        {
            compression.Mode = HttpsCompressionMode.DoNotCompress;
        }

        response.ContentType = Format.ContentType();
        response.Headers.ContentDisposition = ContentDispositionValue ?? ContentDisposition.Attachment(FileName + Format.Extension());
        foreach (var (name, value) in ExtraHeaders)
        {
            response.Headers[name] = value;
        }

        if (length.Length is not { } total)
        {
            Log.ArchiveChunked(logger, FileName, length.Reason);

            // Without validators If-Match fails and a date condition is ignored (RFC 9110 §13.1).
            return EndsByConditions(httpContext, null, null) ? null : (0, long.MaxValue);
        }

        // The plan's ETag follows from metadata alone. Only when the layout does (a rangeable plan: stored or plain
        // tar) is it strong; a compressed archive has a length the metadata does not fix, so its tag is weak.
        var etag = rangeable.IsKnown ? plan.ETag : "W/" + plan.ETag;

        // RFC 9110 §8.8.2.1: Last-Modified is never later than Date; a later time (a file dated in the future) is
        // replaced by Date. Only a time at least a second before Date is a strong validator (§8.8.2.2), so a
        // replaced or too recent one never makes an If-Range date match.
        var clock = httpContext.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;
        var headers = response.GetTypedHeaders();
        var now = Seconds(clock.GetUtcNow());
        var latest = LastModified(plan);
        var lastModified = latest > now ? now : latest;
        headers.Date = now;
        response.Headers.ETag = etag;
        headers.LastModified = lastModified;
        response.ContentLength = total;
        if (EndsByConditions(httpContext, etag, lastModified))
        {
            return null;
        }

        if (!rangeable.IsKnown)
        {
            return (0, total);
        }

        response.Headers.AcceptRanges = "bytes";
        switch (HttpRange.Select(httpContext.Request.GetTypedHeaders(), etag, lastModified < now ? lastModified : null, total))
        {
            case HttpRange.Outcome.Unsatisfiable:
                Report = ("range not satisfiable", 0);
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{total}";
                response.ContentLength = null;
                return null;
            case HttpRange.Outcome.Partial partial:
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {partial.Start}-{partial.End - 1}/{total}";
                response.ContentLength = partial.End - partial.Start;
                return (partial.Start, partial.End);
            case HttpRange.Outcome.Parts parts when Multipart(parts, etag, total) is { } multipart:
                _multipart = multipart;
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.ContentType = multipart.ContentType;
                response.ContentLength = multipart.Length;
                return (0, total);
            default:
                return (0, total);
        }
    }

    /// <summary>
    /// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since (before If-Range and Range, as RFC
    /// 9110 §13.2.2 orders them) and answers 412 or 304 when one ends the request.
    /// </summary>
    private bool EndsByConditions(HttpContext httpContext, string? etag, DateTimeOffset? lastModified)
    {
        var outcome = HttpConditions.Evaluate(httpContext.Request.Method, httpContext.Request.GetTypedHeaders(), etag, lastModified);
        if (outcome == HttpConditions.Outcome.Proceed)
        {
            return false;
        }

        HttpConditions.Answer(httpContext.Response, outcome);
        Report = (outcome == HttpConditions.Outcome.NotModified ? "not modified: 304" : "precondition failed: 412", 0);
        return true;
    }

    private static DateTimeOffset Seconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private static DateTimeOffset LastModified(ArchivePlan plan)
    {
        var latest = plan.Items.Select(i => i.Entry.LastModified ?? i.Source?.LastModified ?? plan.DefaultLastModified).DefaultIfEmpty(plan.DefaultLastModified).Max();
        return Seconds(latest);
    }
}
