using Microsoft.AspNetCore.Http.Headers;

namespace Formats.AspNetCore;

/// <summary>
/// The byte ranges of RFC 9110 §14 that a generated archive serves: one range, or several as multipart/byteranges
/// (<see cref="HttpMultipartRanges"/>), If-Range, 416.
/// </summary>
internal static class HttpRange
{
    /// <summary>The most ranges one request may ask for; more get the whole archive (RFC 9110 §14.2 lets a server ignore Range).</summary>
    public const int MaxRanges = 16;

    public abstract record Outcome
    {
        public sealed record Full : Outcome;

        public sealed record Unsatisfiable : Outcome;

        /// <summary>Bytes [Start, End) of the representation.</summary>
        public sealed record Partial(long Start, long End) : Outcome;

        /// <summary>Several ranges [Start, End), in the request's order, none overlapping another: a multipart/byteranges answer.</summary>
        public sealed record Parts(IReadOnlyList<(long Start, long End)> Ranges) : Outcome;
    }

    /// <summary>
    /// The part of a <paramref name="total"/>-byte representation to send. <paramref name="strongLastModified"/> is the
    /// Last-Modified date when it is a strong validator (null otherwise: an If-Range date then never matches).
    /// </summary>
    public static Outcome Select(RequestHeaders request, string etag, DateTimeOffset? strongLastModified, long total)
    {
        var range = request.Range;
        if (range is null || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || range.Ranges.Count == 0 || range.Ranges.Count > MaxRanges)
        {
            // No range, another unit, or more ranges than any resume or viewer asks for: the whole representation.
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

        // Unsatisfiable ranges among satisfiable ones are dropped (§14.1.1); only when none is left is the answer 416.
        var satisfiable = new List<(long Start, long End)>(range.Ranges.Count);
        foreach (var item in range.Ranges)
        {
            if (Resolve(item.From, item.To, total) is { } window)
            {
                satisfiable.Add(window);
            }
        }

        return satisfiable.Count switch
        {
            0 => new Outcome.Unsatisfiable(),
            1 => new Outcome.Partial(satisfiable[0].Start, satisfiable[0].End),
            // Overlapping ranges would send bytes twice (§14.2 names them as abuse): the whole archive instead.
            _ => Overlap(satisfiable) ? new Outcome.Full() : new Outcome.Parts(satisfiable),
        };
    }

    /// <summary>Bytes [start, end) of one range-spec, or null when it is unsatisfiable.</summary>
    private static (long Start, long End)? Resolve(long? from, long? to, long total)
    {
        long start, end;
        if (from is { } first)
        {
            start = first;
            // "bytes=0-9223372036854775807" asks for everything: compare before adding, so the end cannot overflow.
            end = to is { } last && last < total - 1 ? last + 1 : total;
        }
        else if (to is { } suffix && suffix > 0)
        {
            start = Math.Max(0, total - suffix);
            end = total;
        }
        else
        {
            return null;
        }

        return start >= total || start >= end ? null : (start, end);
    }

    private static bool Overlap(List<(long Start, long End)> ranges)
    {
        var sorted = ranges.OrderBy(r => r.Start).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Start < sorted[i - 1].End)
            {
                return true;
            }
        }

        return false;
    }
}
