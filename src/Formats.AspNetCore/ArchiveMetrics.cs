using System.Diagnostics.Metrics;

namespace Formats.AspNetCore;

/// <summary>
/// The meter <c>Formats.AspNetCore</c>: archives started, completed and failed, bytes sent and archives in flight, each
/// tagged with the format ("zip", "tar", "tar.gz", "tar.zst"). Export it with any System.Diagnostics.Metrics listener
/// (OpenTelemetry's <c>AddMeter("Formats.AspNetCore")</c>; the gateway serves it in Prometheus text).
/// </summary>
internal static class ArchiveMetrics
{
    public const string MeterName = "Formats.AspNetCore";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Started = Meter.CreateCounter<long>("formats.archives.started", "{archive}", "Archives whose body began to be sent");

    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("formats.archives.completed", "{archive}", "Archives sent to their end");

    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("formats.archives.failed", "{archive}", "Archives that failed: a 502 before the first byte or an aborted connection after it");

    private static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("formats.archive.bytes_sent", "By", "Archive bytes handed to the response");

    private static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("formats.archives.in_flight", "{archive}", "Archives being sent now");

    public static void Start(string format)
    {
        var tag = Tag(format);
        Started.Add(1, tag);
        InFlight.Add(1, tag);
    }

    /// <summary>The end of an archive that was started: <paramref name="bytes"/> handed to the response.</summary>
    public static void End(string format, long bytes, bool completed)
    {
        var tag = Tag(format);
        InFlight.Add(-1, tag);
        BytesSent.Add(bytes, tag);
        (completed ? Completed : Failed).Add(1, tag);
    }

    private static KeyValuePair<string, object?> Tag(string format) => new("format", format);
}
