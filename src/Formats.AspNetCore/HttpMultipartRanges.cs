using System.Security.Cryptography;
using System.Text;

namespace Formats.AspNetCore;

/// <summary>
/// A multipart/byteranges body (RFC 9110 §14.6) around ranges of an archive: its boundary, each part's header, the
/// closing delimiter and the exact length, all known before a byte is written.
/// </summary>
internal sealed class HttpMultipartRanges
{
    private readonly string _contentType;
    private readonly long _total;

    /// <summary>
    /// The body for <paramref name="ranges"/> of a <paramref name="total"/>-byte archive of <paramref name="contentType"/>.
    /// The boundary follows from <paramref name="etag"/> alone (never the clock or a random number), so the same request
    /// for the same archive gets the same bytes.
    /// </summary>
    public HttpMultipartRanges(IReadOnlyList<(long Start, long End)> ranges, string contentType, string etag, long total)
    {
        Ranges = ranges;
        _contentType = contentType;
        _total = total;
        Boundary = "formats-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(etag)).AsSpan(0, 16));
        Length = Encoding.ASCII.GetByteCount(Closing) + ranges.Select((r, i) => Encoding.ASCII.GetByteCount(PartHeader(i)) + (r.End - r.Start)).Sum();
    }

    /// <summary>The ranges [Start, End), in the request's order.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges { get; }

    public string Boundary { get; }

    /// <summary>The response's Content-Type.</summary>
    public string ContentType => $"multipart/byteranges; boundary={Boundary}";

    /// <summary>The whole body's length: every part's header and bytes, and the closing delimiter.</summary>
    public long Length { get; }

    /// <summary>The delimiter and header fields before part <paramref name="index"/>'s bytes (the first has no CRLF before it: the preamble is empty).</summary>
    public string PartHeader(int index)
    {
        var (start, end) = Ranges[index];
        return $"{(index == 0 ? "" : "\r\n")}--{Boundary}\r\nContent-Type: {_contentType}\r\nContent-Range: bytes {start}-{end - 1}/{_total}\r\n\r\n";
    }

    /// <summary>The close delimiter after the last part.</summary>
    public string Closing => $"\r\n--{Boundary}--\r\n";
}
