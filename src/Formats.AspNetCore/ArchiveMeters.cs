namespace Formats.AspNetCore;

/// <summary>
/// The names of the library's meters, for a metrics exporter (OpenTelemetry's <c>AddMeter(ArchiveMeters.AspNetCore,
/// ArchiveMeters.Http)</c>). docs/gateway.md lists the instruments.
/// </summary>
public static class ArchiveMeters
{
    /// <summary>Archives started, completed and failed, bytes sent and archives in flight, by format.</summary>
    public const string AspNetCore = ArchiveMetrics.MeterName;

    /// <summary>Member fetch durations and member errors by status.</summary>
    public const string Http = Formats.Http.HttpSourceMetrics.MeterName;
}
