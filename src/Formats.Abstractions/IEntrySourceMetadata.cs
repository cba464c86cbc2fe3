namespace Formats;

/// <summary>
/// What a source learns only when it is opened, told by the stream that <see cref="EntrySource.OpenAsync"/> returns: an
/// HTTP response's <c>Content-Length</c> and <c>Last-Modified</c>, for example. A writer that opens a source before the
/// entry's header uses it: a length known at open time gives the entry the form of a known length (a zip entry without
/// the zip64 extra; a tar entry at all), and a time known at open time dates an entry that declares none.
/// </summary>
public interface IEntrySourceMetadata
{
    /// <summary>The number of bytes the stream will deliver from where it was opened, when known; null otherwise.</summary>
    long? Length { get; }

    /// <summary>The content's modification time, when the source tells it; null otherwise.</summary>
    DateTimeOffset? LastModified { get; }

    /// <summary>
    /// The identity of the content this stream delivers (see <see cref="EntrySource.GetIdentityAsync"/>), when the
    /// opening told it (an HTTP response's strong ETag or Last-Modified); null otherwise.
    /// </summary>
    string? Identity => null;
}
