using Formats.Sources;

namespace Formats;

/// <summary>
/// Where an entry's content comes from. A source is opened only when the sink reaches its entry, and is asked
/// for the offset to start at (0 for a whole entry; byte ranges of an archive start later).
/// </summary>
public abstract class EntrySource
{
    /// <summary>The content's length when the source knows it without being opened; null otherwise.</summary>
    public virtual long? Length => null;

    /// <summary>
    /// The content's modification time when the source knows it without being opened (a file's mtime); null otherwise.
    /// It dates entries that declare no <see cref="ArchiveEntry.LastModified"/>, and enters an <see cref="ArchivePlan"/>'s ETag.
    /// </summary>
    public virtual DateTimeOffset? LastModified => null;

    /// <summary>
    /// A key that changes whenever the content does, for an <see cref="ICrcStore"/>: a file's path, length and
    /// modification time as the source saw them; a URL with its length and the server's strong ETag or Last-Modified
    /// (asked with HEAD). Null when the source has none (the default), and then nothing is remembered for it. What it
    /// cannot tell: a file rewritten with the same length and modification time, a server that keeps its validator
    /// across a change.
    /// </summary>
    public virtual ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>Opens the content for reading, positioned at <paramref name="offset"/>. The caller disposes the stream.</summary>
    public abstract ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken);

    /// <summary>A file on disk, opened for asynchronous reads when its turn comes. Its length and modification time are read now.</summary>
    public static EntrySource FromFile(string path) => new FileEntrySource(path);

    /// <summary>
    /// An open stream, read from its current position. The sink disposes it after reading unless <paramref name="leaveOpen"/>.
    /// Only a seekable stream can be opened at an offset other than 0.
    /// </summary>
    public static EntrySource FromStream(Stream stream, bool leaveOpen = false) => new StreamEntrySource(stream, leaveOpen);

    /// <summary>Bytes in memory.</summary>
    public static EntrySource FromBytes(ReadOnlyMemory<byte> bytes) => new BytesEntrySource(bytes);

    /// <summary>A delegate that opens the content at an offset, called only when the entry's turn comes.</summary>
    public static EntrySource FromDelegate(Func<long, CancellationToken, ValueTask<Stream>> open, long? length = null) =>
        new DelegateEntrySource(open, length);
}
