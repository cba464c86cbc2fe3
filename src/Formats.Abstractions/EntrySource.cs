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
    /// Where the content comes from, as it enters an <see cref="ArchivePlan"/>'s ETag: a file's full path, a URL whole,
    /// a hash of bytes in memory. Two plans that differ only in where a member is read from then never share a
    /// validator, so a resume with <c>If-Range</c> never joins bytes of one to bytes of the other. Null (the default,
    /// and for streams and delegates) when the source cannot say: its entry's ETag then rests on the entry's metadata
    /// alone, so the caller promises that the same metadata means the same content (give a CRC-32 to make it so).
    /// </summary>
    public virtual string? Location => null;

    /// <summary>
    /// A key that changes whenever the content does, under which a format remembers what it computed from the content
    /// (zip's CRC-32s, in an <c>ICrcStore</c> of Formats.Zip): a file's path, length and
    /// modification time as the source saw them; a URL with its length and the server's strong ETag or Last-Modified
    /// (asked with HEAD). Null when the source has none (the default), and then nothing is remembered for it. What it
    /// cannot tell: a file rewritten with the same length and modification time, a server that keeps its validator
    /// across a change.
    /// </summary>
    public virtual ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>
    /// The content's sparse map when it is a sparse file, known without opening it; null otherwise (the default). With a
    /// map, <see cref="OpenAsync"/> delivers only the data regions' bytes, one after another (offsets count those bytes),
    /// <see cref="Length"/> is their total, and an entry's declared <see cref="ArchiveEntry.Length"/> is the real size.
    /// A map without holes is content like any other.
    /// </summary>
    public virtual SparseMap? SparseMap => null;

    /// <summary>
    /// True when the content can be opened again after a first stream was read and disposed (files, bytes, URLs; a
    /// seekable stream only when left open): what a reader that looks at a source before it is written needs.
    /// </summary>
    internal virtual bool CanReopen => true;

    /// <summary>Opens the content for reading, positioned at <paramref name="offset"/>. The caller disposes the stream.</summary>
    public abstract ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken);

    /// <summary>A file on disk, opened for asynchronous reads when its turn comes. Its length and modification time are read now.</summary>
    public static EntrySource FromFile(string path) => new FileEntrySource(path);

    /// <summary>
    /// A file on disk that may be sparse: its data regions are found now (Linux: <c>lseek</c> with <c>SEEK_DATA</c> and
    /// <c>SEEK_HOLE</c>), and only they are read when its turn comes (<see cref="SparseMap"/>). A file without holes, or
    /// on a system or file system that cannot tell, is the same as <see cref="FromFile"/>. When the file's holes or
    /// length have changed by the time it is read, reading fails, and with it the archive: no wrong data is written.
    /// </summary>
    public static EntrySource FromSparseFile(string path) => SparseFileEntrySource.Create(path);

    /// <summary>
    /// Content declared sparse by the caller: <paramref name="dataRegions"/> delivers the bytes of <paramref name="map"/>'s
    /// regions, one after another, and nothing of the holes (see <see cref="SparseMap"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dataRegions"/> knows a length other than the map's <see cref="SparseMap.DataLength"/>.</exception>
    public static EntrySource WithSparseMap(EntrySource dataRegions, SparseMap map) => new SparseRegionsEntrySource(dataRegions, map);

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
