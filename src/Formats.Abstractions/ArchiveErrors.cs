namespace Formats;

/// <summary>
/// Reasons carried as data by exceptions that are not <see cref="ArchiveException"/>s: a source that must keep its own
/// exception type (Formats.Http's <see cref="HttpRequestException"/>, <see cref="IOException"/>) marks it, and the pump
/// that wraps it, the metrics that count it and the adapters that answer it read the mark, never the message.
/// </summary>
internal static class ArchiveErrors
{
    private const string Key = "Formats.ArchiveErrorReason";

    /// <summary>Marks <paramref name="error"/> with <paramref name="reason"/> and returns it, to be thrown.</summary>
    public static TException WithReason<TException>(this TException error, ArchiveErrorReason reason)
        where TException : Exception
    {
        error.Data[Key] = reason;
        return error;
    }

    /// <summary>
    /// The reason <paramref name="error"/> carries, or else the first exception inside it that carries one: an
    /// <see cref="ArchiveException"/>'s, a mark, or <see cref="ArchiveErrorReason.Timeout"/> for a
    /// <see cref="TimeoutException"/>. Null when none does.
    /// </summary>
    public static ArchiveErrorReason? ReasonOf(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is ArchiveException archive)
            {
                return archive.Reason;
            }

            if (e.Data[Key] is ArchiveErrorReason marked)
            {
                return marked;
            }

            if (e is TimeoutException)
            {
                return ArchiveErrorReason.Timeout;
            }
        }

        return null;
    }
}
