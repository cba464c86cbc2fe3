using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Formats.AspNetCore;

/// <summary>
/// The meter <c>Formats.AspNetCore</c>: archives started, completed and failed, archives ended by outcome, bytes sent
/// (counted as they go) and archives in flight, each tagged with the format ("zip", "tar", "tar.gz", "tar.zst").
/// Export it with any System.Diagnostics.Metrics listener (OpenTelemetry's <c>AddMeter("Formats.AspNetCore")</c>; the
/// gateway serves it in Prometheus text). The meter is the app's, from its <see cref="IMeterFactory"/>, so two hosts in
/// one process (tests, say) count apart; without one (no services) it is a meter of the process.
/// </summary>
internal sealed class ArchiveMetrics
{
    public const string MeterName = "Formats.AspNetCore";

    private static readonly ConditionalWeakTable<IMeterFactory, ArchiveMetrics> ByFactory = new();

    private static readonly Lazy<ArchiveMetrics> Unscoped = new(() => new(new Meter(MeterName)));

    private ArchiveMetrics(Meter meter)
    {
        Started = meter.CreateCounter<long>("formats.archives.started", "{archive}", "Archives whose body began to be sent");
        Completed = meter.CreateCounter<long>("formats.archives.completed", "{archive}", "Archives sent to their end");
        Failed = meter.CreateCounter<long>("formats.archives.failed", "{archive}", "Archives that failed on this side: a 502, 504 or 500 before the first byte or an aborted connection after it (not a client that went away)");
        Ended = meter.CreateCounter<long>("formats.archives.ended", "{archive}", "Archives that ended, by outcome: complete, failed, upstream_timeout, error, client_gone, client_too_slow");
        BytesSent = meter.CreateCounter<long>("formats.archive.bytes_sent", "By", "Archive bytes handed to the response, counted as they go");
        InFlight = meter.CreateUpDownCounter<long>("formats.archives.in_flight", "{archive}", "Archives being sent now");
    }

    private Counter<long> Started { get; }

    private Counter<long> Completed { get; }

    private Counter<long> Failed { get; }

    private Counter<long> Ended { get; }

    private Counter<long> BytesSent { get; }

    private UpDownCounter<long> InFlight { get; }

    /// <summary>The metrics of the app whose services these are (a meter of the process when there are none).</summary>
    public static ArchiveMetrics For(IServiceProvider? services) =>
        services?.GetService<IMeterFactory>() is { } factory
            ? ByFactory.GetValue(factory, static f => new(f.Create(MeterName)))
            : Unscoped.Value;

    public void Start(string format)
    {
        var tag = Tag(format);
        Started.Add(1, tag);
        InFlight.Add(1, tag);
    }

    /// <summary><paramref name="bytes"/> more of an archive handed to the response.</summary>
    public void Sent(string format, long bytes)
    {
        if (bytes > 0)
        {
            BytesSent.Add(bytes, Tag(format));
        }
    }

    /// <summary>The end of an archive that was started, and how it ended.</summary>
    public void End(string format, ArchiveEnd end)
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
