namespace Formats;

/// <summary>
/// A format limit was reached or an entry's source failed; the archive was aborted and its end records will not be written.
/// The message names the entry, the field and the limit; <see cref="Reason"/> says which kind of failure it is, for
/// code that decides by it (a status, a metric), which must never read the message.
/// </summary>
public sealed class ArchiveException : IOException
{
    /// <summary>Creates the exception for <paramref name="entryName"/> (null when no entry is concerned).</summary>
    public ArchiveException(string? entryName, ArchiveErrorReason reason, string message, Exception? innerException = null)
        : base(entryName is null ? message : $"entry '{entryName}': {message}", innerException)
    {
        EntryName = entryName;
        Reason = reason;
    }

    /// <summary>The entry concerned, as normalised by the name policy, or null for archive-wide limits.</summary>
    public string? EntryName { get; }

    /// <summary>Which kind of failure this is.</summary>
    public ArchiveErrorReason Reason { get; }
}
