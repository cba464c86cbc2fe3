using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;

namespace Formats.Http;

/// <summary>
/// The meter <c>Formats.Http</c>: how long member fetches take and how they fail. Export it with any
/// System.Diagnostics.Metrics listener (OpenTelemetry's <c>AddMeter("Formats.Http")</c>; the gateway does).
/// </summary>
internal static class HttpSourceMetrics
{
    public const string MeterName = "Formats.Http";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> FetchDuration = Meter.CreateHistogram(
        "formats.member.fetch.duration",
        "s",
        "Time from a member's request to the end of its body, by status",
        advice: new InstrumentAdvice<double>
        {
            // Seconds, from a small file on the same network to a large one from far away (an exporter's default
            // buckets are milliseconds, which would put every fetch in the first).
            HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
        });

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "formats.member.errors", "{error}", "Member fetches that failed, by HTTP status or kind (timeout, refused, network)");

    /// <summary>A body read to its end: the whole fetch took since <paramref name="started"/>.</summary>
    public static void Fetched(long started, HttpStatusCode status) =>
        FetchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("status", (int)status));

    /// <summary>A fetch that failed, tagged with its status or the kind of failure.</summary>
    public static void Failed(Exception error) =>
        Errors.Add(1, new KeyValuePair<string, object?>("status", Kind(error)));

    /// <summary>The error's HTTP status, else its kind by the reason it carries (<see cref="ArchiveErrors.ReasonOf"/>).</summary>
    internal static string Kind(Exception error) => error is HttpRequestException { StatusCode: { } status }
        ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : ArchiveErrors.ReasonOf(error) switch
        {
            ArchiveErrorReason.Timeout => "timeout",
            ArchiveErrorReason.OriginNotAllowed => "refused",
            _ => "network",
        };
}
