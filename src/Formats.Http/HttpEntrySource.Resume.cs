using System.Net;
using System.Net.Http.Headers;

namespace Formats.Http;

/// <summary>A body whose connection fails goes on from the byte reached, when the server can say its content is the same.</summary>
internal sealed partial class HttpEntrySource
{
    /// <summary>
    /// How the body goes on after its connection fails: a GET of the rest with <c>If-Range</c> set to the response's
    /// strong ETag (else its Last-Modified), checked to be a 206 from the byte reached with the same validator. Null when
    /// the response has no validator or no <c>Accept-Ranges: bytes</c>, or resumes are off.
    /// </summary>
    private Func<long, CancellationToken, ValueTask<(HttpResponseMessage, Stream)>>? ResumeOf(HttpResponseMessage response)
    {
        var etag = response.Headers.ETag is { IsWeak: false } strong ? strong : null;
        var modified = response.Content.Headers.LastModified;
        if (options.MaxResumes == 0 || (etag is null && modified is null)
            || !response.Headers.AcceptRanges.Contains("bytes", StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var condition = etag is not null ? new RangeConditionHeaderValue(etag) : new RangeConditionHeaderValue(modified!.Value);
        return async (offset, cancellationToken) =>
        {
            var (next, at) = await SendAsync(HttpMethod.Get, offset, cancellationToken, condition).ConfigureAwait(false);
            try
            {
                var shown = Redact(at);
                if (next.StatusCode == HttpStatusCode.OK)
                {
                    throw new IOException($"GET {shown}: the content changed while it was fetched (a resume at byte {offset} with If-Range got 200, not 206)");
                }

                if (next.StatusCode != HttpStatusCode.PartialContent)
                {
                    throw new HttpRequestException($"GET {shown}: resume at byte {offset}: {(int)next.StatusCode} {next.ReasonPhrase}", null, next.StatusCode)
                        .WithReason(ArchiveErrorReason.UpstreamStatus);
                }

                CheckContentRange(next.Content.Headers.ContentRange, offset, shown);
                var same = etag is not null ? next.Headers.ETag is { IsWeak: false } now && now.Tag == etag.Tag : next.Content.Headers.LastModified == modified;
                if (!same)
                {
                    throw new IOException($"GET {shown}: the content changed while it was fetched (the resume at byte {offset} has another validator)");
                }

                return (next, await next.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                next.Dispose();
                throw;
            }
        };
    }
}
