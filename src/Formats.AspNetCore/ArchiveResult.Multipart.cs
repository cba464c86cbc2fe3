using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCore;

/// <summary>Several byte ranges in one answer: 206 multipart/byteranges (RFC 9110 §14.6).</summary>
public sealed partial class ArchiveResult
{
    /// <summary>The multipart body this response sends, set with its headers; null for a whole archive or a single range.</summary>
    private HttpMultipartRanges? _multipart;

    /// <summary>
    /// The multipart body for <paramref name="parts"/>, or null when it would be at least as long as the whole archive
    /// (ranges that add up to nearly everything): then the whole is cheaper for both sides (RFC 9110 §14.2).
    /// </summary>
    private HttpMultipartRanges? Multipart(HttpRange.Outcome.Parts parts, string etag, long total)
    {
        var multipart = new HttpMultipartRanges(parts.Ranges, Format.ContentType(), etag, total);
        return multipart.Length < total ? multipart : null;
    }

    /// <summary>
    /// Writes each part in the request's order: its header, then its bytes by the same range write (and read-ahead
    /// limited to its window) that a single range gets, so each part opens only the members its bytes need.
    /// </summary>
    private async Task WritePartsAsync(PipeWriter body, ArchivePlan plan, HttpMultipartRanges multipart, CancellationToken cancellationToken)
    {
        for (var i = 0; i < multipart.Ranges.Count; i++)
        {
            await body.WriteAsync(Encoding.ASCII.GetBytes(multipart.PartHeader(i)), cancellationToken).ConfigureAwait(false);
            var (start, end) = multipart.Ranges[i];
            await WriteWindowAsync(body, plan, start, end, whole: false, cancellationToken).ConfigureAwait(false);
        }

        await body.WriteAsync(Encoding.ASCII.GetBytes(multipart.Closing), cancellationToken).ConfigureAwait(false);
    }
}
