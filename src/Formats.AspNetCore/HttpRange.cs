using Microsoft.AspNetCore.Http.Headers;

namespace Formats.AspNetCore;

/// <summary>The single-range subset of RFC 9110 §14 that a generated archive serves: one byte range, If-Range, 416.</summary>
internal static class HttpRange
{
    public abstract record Outcome
    {
        public sealed record Full : Outcome;

        public sealed record Unsatisfiable : Outcome;

        /// <summary>Bytes [Start, End) of the representation.</summary>
        public sealed record Partial(long Start, long End) : Outcome;
    }

    /// <summary>
    /// The part of a <paramref name="total"/>-byte representation to send. <paramref name="strongLastModified"/> is the
    /// Last-Modified date when it is a strong validator (null otherwise: an If-Range date then never matches).
    /// </summary>
    public static Outcome Select(RequestHeaders request, string etag, DateTimeOffset? strongLastModified, long total)
    {
        var range = request.Range;
        if (range is null || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || range.Ranges.Count != 1)
        {
            // No range, another unit, or several ranges: the whole representation (allowed by RFC 9110 §14.2).
            return new Outcome.Full();
        }

        if (request.Headers.IfRange.Count > 0)
        {
            // A stale validator gets the whole, current representation. Only strong validators match (§13.1.5), and a
            // value that is neither an entity tag nor an HTTP date validates nothing.
            var current = request.IfRange switch
            {
                { EntityTag: { } tag } => !tag.IsWeak && tag.Tag.Value == etag,
                { LastModified: { } date } => date == strongLastModified,
                _ => false,
            };
            if (!current)
            {
                return new Outcome.Full();
            }
        }

        var item = range.Ranges.Single();
        long start, end;
        if (item.From is { } from)
        {
            start = from;
            // "bytes=0-9223372036854775807" asks for everything: compare before adding, so the end cannot overflow.
            end = item.To is { } to && to < total - 1 ? to + 1 : total;
        }
        else if (item.To is { } suffix && suffix > 0)
        {
            start = Math.Max(0, total - suffix);
            end = total;
        }
        else
        {
            return new Outcome.Unsatisfiable();
        }

        return start >= total || start >= end ? new Outcome.Unsatisfiable() : new Outcome.Partial(start, end);
    }
}
