using Microsoft.Extensions.Logging;

namespace Formats.AspNetCore;

/// <summary>
/// Every log message of Formats.AspNetCore, with its level and a stable event id (1–9 the archive responses middleware,
/// 10–19 <see cref="ArchiveResult"/>, 20–29 <see cref="ResilientCrcStore"/>), so that an operator can filter and alert
/// on ids instead of texts. The texts and levels are those docs/gateway.md shows.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "ArchiveAnswered", Level = LogLevel.Information,
        Message = "archive {RequestId} {Format} {Path}{Query}: {Members} members, {Bytes} bytes in {DurationMs:0} ms, {Outcome}")]
    public static partial void ArchiveAnswered(ILogger logger, string requestId, string format, string? path, string? query, int members, long bytes, double durationMs, string outcome);

    [LoggerMessage(EventId = 2, EventName = "ArchiveNotCompleted", Level = LogLevel.Information,
        Message = "archive {RequestId} {Format} {Path}{Query}: {Members} members, {Bytes} bytes in {DurationMs:0} ms, {Outcome}: {Reason}")]
    public static partial void ArchiveNotCompleted(ILogger logger, string requestId, string format, string? path, string? query, int members, long bytes, double durationMs, string outcome, string reason);

    [LoggerMessage(EventId = 3, EventName = "AppContentDispositionRefused", Level = LogLevel.Warning,
        Message = "archive {RequestId} {Path}: the app's Content-Disposition cannot be sent (a control character, no type or an open quote); the archive is named by the path")]
    public static partial void AppContentDispositionRefused(ILogger logger, string requestId, string? path);

    [LoggerMessage(EventId = 10, EventName = "ArchiveChunked", Level = LogLevel.Debug,
        Message = "archive {FileName} is sent chunked: {Reason}")]
    public static partial void ArchiveChunked(ILogger logger, string fileName, string? reason);

    [LoggerMessage(EventId = 11, EventName = "ArchiveClientGone", Level = LogLevel.Information,
        Message = "archive {RequestId} {FileName}: {Outcome} after {Bytes} bytes ({Reason})")]
    public static partial void ArchiveClientGone(ILogger logger, string requestId, string fileName, string outcome, long bytes, string? reason);

    [LoggerMessage(EventId = 12, EventName = "ArchiveFailed", Level = LogLevel.Error,
        Message = "archive {RequestId} {FileName} failed: {Reason}")]
    public static partial void ArchiveFailed(ILogger logger, Exception exception, string requestId, string fileName, string reason);

    [LoggerMessage(EventId = 20, EventName = "CrcStoreRecovered", Level = LogLevel.Information,
        Message = "CRC store {Store} answers again; CRC-32s are looked up and remembered again")]
    public static partial void CrcStoreRecovered(ILogger logger, string store);

    [LoggerMessage(EventId = 21, EventName = "CrcStoreFailed", Level = LogLevel.Warning,
        Message = "CRC store {Store} failed: {Problem}. Archives go on without it (a resume reads the members before its cut); it is asked again every {BreakSeconds} s")]
    public static partial void CrcStoreFailed(ILogger logger, string store, string problem, double breakSeconds);
}
