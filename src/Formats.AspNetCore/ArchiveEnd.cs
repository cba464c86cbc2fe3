using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCore;

/// <summary>How an archive that began to be sent ended: the <c>outcome</c> of <c>formats.archives.ended</c>.</summary>
internal enum ArchiveEnd
{
    /// <summary>Sent to its end.</summary>
    Complete,

    /// <summary>
    /// A source (an upstream, for the gateway) or the items failed it: a member missing, refused, too large, short or
    /// corrupt, a name or field the format cannot hold. A 502 before the first byte, an aborted connection after it.
    /// </summary>
    Failed,

    /// <summary>A source did not answer or deliver in time: a 504 before the first byte, an aborted connection after it.</summary>
    UpstreamTimeout,

    /// <summary>This side failed (writing the output, an error of its own): a 500 before the first byte, an aborted connection after it.</summary>
    Error,

    /// <summary>The client went away (closed or reset the connection, or stopped reading) before the end.</summary>
    ClientGone,

    /// <summary>The client took the archive more slowly than the minimum rate, and its connection was aborted.</summary>
    ClientTooSlow,
}

/// <summary>What a failure of an archive becomes, decided by its <see cref="ArchiveErrorReason"/>, never its message.</summary>
internal static class ArchiveFailure
{
    /// <summary>The status a failure before the first byte answers.</summary>
    public static int Status(Exception error) => error switch
    {
        ArchiveException archive => Status(archive.Reason),

        // The items (an app's manifest, for the gateway) name what the policy refuses.
        InvalidEntryNameException => StatusCodes.Status502BadGateway,

        // An HTTP call's failure that no source wrapped: an upstream's, as a source's would be.
        HttpRequestException => StatusCodes.Status502BadGateway,

        // An I/O error not of a source: this side's own.
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The status of <paramref name="reason"/>: 502 for what a source or the items did, 504 for a source too slow, 500 for this side.</summary>
    public static int Status(ArchiveErrorReason reason) => reason switch
    {
        ArchiveErrorReason.FormatLimit
            or ArchiveErrorReason.SourceUnavailable
            or ArchiveErrorReason.SourceFailed
            or ArchiveErrorReason.SourceTooShort
            or ArchiveErrorReason.SourceTooLong
            or ArchiveErrorReason.CrcMismatch
            or ArchiveErrorReason.SourceInvalid
            or ArchiveErrorReason.UpstreamStatus
            or ArchiveErrorReason.OriginNotAllowed
            or ArchiveErrorReason.MemberTooLarge => StatusCodes.Status502BadGateway,
        ArchiveErrorReason.Timeout => StatusCodes.Status504GatewayTimeout,

        // NotPlannable: a plan is ranged only once it was measured, so this is a defect of this side.
        ArchiveErrorReason.NotPlannable or ArchiveErrorReason.OutputFailed or ArchiveErrorReason.EntryNotFinished => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The outcome of a failure, by the same decision as its status.</summary>
    public static ArchiveEnd End(Exception error) => Status(error) switch
    {
        StatusCodes.Status502BadGateway => ArchiveEnd.Failed,
        StatusCodes.Status504GatewayTimeout => ArchiveEnd.UpstreamTimeout,
        _ => ArchiveEnd.Error,
    };

    /// <summary>Whether <paramref name="end"/> is a failure of the archive (counted by <c>formats.archives.failed</c>).</summary>
    public static bool IsFailure(this ArchiveEnd end) => end is ArchiveEnd.Failed or ArchiveEnd.UpstreamTimeout or ArchiveEnd.Error;

    /// <summary>The <c>outcome</c> tag of <paramref name="end"/>.</summary>
    public static string OutcomeTag(this ArchiveEnd end) => end switch
    {
        ArchiveEnd.Complete => "complete",
        ArchiveEnd.Failed => "failed",
        ArchiveEnd.UpstreamTimeout => "upstream_timeout",
        ArchiveEnd.Error => "error",
        ArchiveEnd.ClientTooSlow => "client_too_slow",
        _ => "client_gone",
    };
}
