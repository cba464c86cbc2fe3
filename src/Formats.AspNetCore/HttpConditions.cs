using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace Formats.AspNetCore;

/// <summary>
/// The preconditions of RFC 9110 §13.1 on a GET or HEAD of a generated archive, evaluated in §13.2.2's order:
/// If-Match (else If-Unmodified-Since) may end in 412, then If-None-Match (else If-Modified-Since) in 304; If-Range
/// and Range come after (<see cref="HttpRange"/>).
/// </summary>
internal static class HttpConditions
{
    public enum Outcome
    {
        /// <summary>Every precondition holds (or none was sent): go on to the range, then the body.</summary>
        Proceed,

        /// <summary>412 Precondition Failed.</summary>
        PreconditionFailed,

        /// <summary>304 Not Modified.</summary>
        NotModified,
    }

    /// <summary>
    /// The outcome for a representation with <paramref name="etag"/> (quoted, "W/" first when weak; null when the
    /// archive has none, its length being unknown) and <paramref name="lastModified"/> (null when it has none).
    /// </summary>
    public static Outcome Evaluate(RequestHeaders request, string? etag, DateTimeOffset? lastModified)
    {
        var current = etag is null ? null : EntityTagHeaderValue.Parse(etag);

        // §13.2.2 step 1: If-Match, strong comparison (§13.1.1); "*" matches any current representation, and an archive
        // without an ETag has no tag any list could match.
        if (request.Headers.IfMatch.Count > 0)
        {
            if (!Matches(request.IfMatch, current, strong: true))
            {
                return Outcome.PreconditionFailed;
            }
        }
        else if (request.IfUnmodifiedSince is { } unmodifiedSince && lastModified is { } modified && modified > unmodifiedSince)
        {
            // Step 2: If-Unmodified-Since, only without If-Match, and ignored when there is no Last-Modified (§13.1.4).
            return Outcome.PreconditionFailed;
        }

        // Step 3: If-None-Match, weak comparison (§13.1.2): a GET or HEAD of a matching representation gets 304.
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            return Matches(request.IfNoneMatch, current, strong: false) ? Outcome.NotModified : Outcome.Proceed;
        }

        // Step 4: If-Modified-Since, only without If-None-Match (§13.1.3).
        if (request.IfModifiedSince is { } modifiedSince && lastModified is { } last && last <= modifiedSince)
        {
            return Outcome.NotModified;
        }

        return Outcome.Proceed;
    }

    /// <summary>
    /// Whether a list of entity tags matches the current one: "*" any current representation that has one, a tag by
    /// strong (both strong and equal) or weak (equal opaque tags) comparison (RFC 9110 §8.8.3.2).
    /// </summary>
    private static bool Matches(IList<EntityTagHeaderValue> list, EntityTagHeaderValue? current, bool strong)
    {
        foreach (var tag in list)
        {
            // The archive is always a current representation, so "*" matches even when it has no tag to compare.
            if (tag.Equals(EntityTagHeaderValue.Any) || (current is not null && tag.Compare(current, useStrongComparison: strong)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Answers an outcome that ends the request, without a body: a 304 keeps the validators and the headers a 200
    /// would carry for caches (Date, ETag, Last-Modified, Cache-Control, Expires, Vary, Set-Cookie) and drops those
    /// that describe a body; a 412 carries nothing of the archive.
    /// </summary>
    public static void Answer(HttpResponse response, Outcome outcome)
    {
        response.ContentLength = null;
        response.Headers.ContentType = default;
        response.Headers.ContentDisposition = default;
        response.Headers.AcceptRanges = default;
        if (outcome == Outcome.NotModified)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status412PreconditionFailed;
        response.Headers.ETag = default;
        response.Headers.LastModified = default;
        response.ContentLength = 0;
    }
}
