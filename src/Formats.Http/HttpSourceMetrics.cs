using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Runtime.CompilerServices;

namespace Formats.Http;

/// <summary>
/// The meter <c>Formats.Http</c>: how long member fetches take and how they fail. Export it with any
/// System.Diagnostics.Metrics listener (OpenTelemetry's <c>AddMeter("Formats.Http")</c>; the gateway does). The meter
/// comes from <see cref="HttpSourceOptions.MeterFactory"/> (an app's, so two hosts count apart), else it is a meter of
/// the process.
/// </summary>
internal sealed class HttpSourceMetrics
{
    public const string MeterName = "Formats.Http";

    private static readonly ConditionalWeakTable<IMeterFactory, HttpSourceMetrics> ByFactory = new();

    private static readonly Lazy<HttpSourceMetrics> Unscoped = new(() => new(new Meter(MeterName)));

    private readonly Histogram<double> _fetchDuration;

    private readonly Counter<long> _errors;

    private HttpSourceMetrics(Meter meter)
    {
        _fetchDuration = meter.CreateHistogram(
        "formats.member.fetch.duration",
        "s",
        "Time from a member's request to the end of its body, by status",
        advice: new InstrumentAdvice<double>
        {
            // Seconds, from a small file on the same network to a large one from far away (an exporter's default
            // buckets are milliseconds, which would put every fetch in the first).
            HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
        });
        _errors = meter.CreateCounter<long>(
            "formats.member.errors", "{error}", "Member fetches that failed, by HTTP status or kind (timeout, refused, network)");
    }

    /// <summary>The metrics of <paramref name="factory"/>'s meter (null: a meter of the process).</summary>
    public static HttpSourceMetrics For(IMeterFactory? factory) =>
        factory is null ? Unscoped.Value : ByFactory.GetValue(factory, static f => new(f.Create(MeterName)));

    /// <summary>A body read to its end: the whole fetch took since <paramref name="started"/>.</summary>
    public void Fetched(long started, HttpStatusCode status) =>
        _fetchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("status", (int)status));

    /// <summary>A fetch that failed, tagged with its status or the kind of failure.</summary>
    public void Failed(Exception error) =>
        _errors.Add(1, new KeyValuePair<string, object?>("status", Kind(error)));

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
