namespace Formats;

/// <summary>
/// Options of one entry that only one format understands (<c>ZipEntryOptions</c>: a member's method, level, or content
/// that is compressed already), given with the entry to that format's writer, or on an <see cref="ArchiveItem"/> of that
/// format's plan. A writer of another format refuses them.
/// </summary>
public abstract class ArchiveEntryOptions
{
    private protected ArchiveEntryOptions()
    {
    }

    /// <summary>
    /// When the source delivers the entry's content already encoded by the format (a raw zip member): how many encoded
    /// bytes it delivers, and the plain content's length and CRC-32. Null for content the format encodes itself.
    /// </summary>
    internal virtual EncodedContent? Encoded => null;

    /// <summary>The options as they enter a plan's ETag: everything that decides a byte.</summary>
    internal abstract string Describe();
}

/// <summary>
/// Content a source delivers already encoded: <paramref name="EncodedLength"/> bytes flow from the source to the archive
/// as they are (the core counts and ranges those), standing for <paramref name="Length"/> plain bytes of CRC-32 <paramref name="Crc32"/>.
/// </summary>
internal readonly record struct EncodedContent(long EncodedLength, long Length, uint Crc32);
