using System.Diagnostics.Metrics;

namespace Formats.AspNetCore;

/// <summary>
/// The meter <c>Formats.AspNetCore</c>: archives started, completed and failed, archives ended by outcome, bytes sent
/// (counted as they go) and archives in flight, each tagged with the format ("zip", "tar", "tar.gz", "tar.zst").
/// Export it with any System.Diagnostics.Metrics listener (OpenTelemetry's <c>AddMeter("Formats.AspNetCore")</c>; the
/// gateway serves it in Prometheus text).
/// </summary>
internal static class ArchiveMetrics
{
    public const string MeterName = "Formats.AspNetCore";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Started = Meter.CreateCounter<long>("formats.archives.started", "{archive}", "Archives whose body began to be sent");

    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("formats.archives.completed", "{archive}", "Archives sent to their end");

    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("formats.archives.failed", "{archive}", "Archives that failed on this side: a 502, 504 or 500 before the first byte or an aborted connection after it (not a client that went away)");

    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("formats.archives.ended", "{archive}", "Archives that ended, by outcome: complete, failed, upstream_timeout, error, client_gone, client_too_slow");

    private static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("formats.archive.bytes_sent", "By", "Archive bytes handed to the response, counted as they go");

    private static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("formats.archives.in_flight", "{archive}", "Archives being sent now");

    public static void Start(string format)
    {
        var tag = Tag(format);
        Started.Add(1, tag);
        InFlight.Add(1, tag);
    }

    /// <summary><paramref name="bytes"/> more of an archive handed to the response.</summary>
    public static void Sent(string format, long bytes)
    {
        if (bytes > 0)
        {
            BytesSent.Add(bytes, Tag(format));
        }
    }

    /// <summary>The end of an archive that was started, and how it ended.</summary>
    public static void End(string format, ArchiveEnd end)
    {
        var tag = Tag(format);
        InFlight.Add(-1, tag);
        if (end == ArchiveEnd.Complete)
        {
            Completed.Add(1, tag);
        }
        else if (end.IsFailure())
        {
            Failed.Add(1, tag);
        }

        Ended.Add(1, tag, new KeyValuePair<string, object?>("outcome", end.OutcomeTag()));
    }

    private static KeyValuePair<string, object?> Tag(string format) => new("format", format);
}
