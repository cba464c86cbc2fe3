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

    public static Outcome Select(RequestHeaders request, string etag, DateTimeOffset lastModified, long total)
    {
        var range = request.Range;
        if (range is null || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || range.Ranges.Count != 1)
        {
            // No range, another unit, or several ranges: the whole representation (allowed by RFC 9110 §14.2).
            return new Outcome.Full();
        }

        if (request.IfRange is { } ifRange)
        {
            // A stale validator gets the whole, current representation. Only strong validators match (§13.1.5).
            var current = ifRange.EntityTag is { } tag
                ? !tag.IsWeak && tag.Tag.Value == etag
                : ifRange.LastModified is { } date && date == lastModified;
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
            end = item.To is { } to ? Math.Min(to + 1, total) : total;
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
