namespace Formats;

/// <summary>
/// Why an archive failed (<see cref="ArchiveException.Reason"/>): what a caller decides by, never the message. The
/// source reasons are the source's side (an upstream's, for a gateway); <see cref="OutputFailed"/> and
/// <see cref="EntryNotFinished"/> are the writer's side.
/// </summary>
public enum ArchiveErrorReason
{
    /// <summary>
    /// The format cannot hold what an entry or the archive asks: a name, comment or field beyond its limit, a kind of
    /// entry it has no type for, zip64 refused, a tar member whose length is unknown, a zip member it cannot copy.
    /// </summary>
    FormatLimit = 0,

    /// <summary>The archive's length or byte ranges were asked for, but cannot be known before it is written.</summary>
    NotPlannable = 1,

    /// <summary>The source could not be opened (a missing file, a connection refused).</summary>
    SourceUnavailable = 2,

    /// <summary>The source failed while it was read.</summary>
    SourceFailed = 3,

    /// <summary>The source ended before its declared length, or before the end of the range being written.</summary>
    SourceTooShort = 4,

    /// <summary>The source delivered more than its declared length.</summary>
    SourceTooLong = 5,

    /// <summary>The content's CRC-32 is not the one declared.</summary>
    CrcMismatch = 6,

    /// <summary>
    /// The source is not what it must be: not gzip or a corrupt gzip, not a zip or a corrupt one, or an HTTP answer
    /// that breaks the protocol (a wrong Content-Range, a redirect without a Location, too many redirects).
    /// </summary>
    SourceInvalid = 7,

    /// <summary>An HTTP source's server answered with an error status.</summary>
    UpstreamStatus = 8,

    /// <summary>The source's location may not be read: not an http(s) URL, or not in an allowed origin.</summary>
    OriginNotAllowed = 9,

    /// <summary>The source is larger than the most a member may have (<c>HttpSourceOptions.MaxMemberBytes</c>).</summary>
    MemberTooLarge = 10,

    /// <summary>The source did not answer or deliver in time: no response, no data, or slower than the minimum rate.</summary>
    Timeout = 11,

    /// <summary>Writing the archive to its output failed.</summary>
    OutputFailed = 12,

    /// <summary>An entry's stream was disposed synchronously, so the entry could not be finished.</summary>
    EntryNotFinished = 13,
}
