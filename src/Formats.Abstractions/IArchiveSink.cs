namespace Formats;

/// <summary>
/// An archive being written as a stream: entries go out one after another, in the order they are added,
/// and the archive's end records are written only by <see cref="CompleteAsync"/>.
/// </summary>
/// <remarks>
/// <para>One entry is in progress at a time. Any failure (a refused name, a source that throws or delivers a
/// different length than declared, a format limit, cancellation, an output error) leaves the sink failed: every
/// later call throws, and the archive never receives its end records.</para>
/// <para>Disposing without a successful <see cref="CompleteAsync"/> aborts: nothing more is written, so a partial
/// archive can never pass as a complete one. The sink never disposes or completes the output it writes to.</para>
/// </remarks>
public interface IArchiveSink : IAsyncDisposable
{
    /// <summary>
    /// Bytes of archive handed to the output so far, flushed or not (for tar.gz and tar.zst, tar bytes before
    /// compression). A small zip member compressed ahead on another core counts once it is written: as soon as its
    /// compression is done and the members before it are out, and by <see cref="CompleteAsync"/> at the latest.
    /// </summary>
    long BytesWritten { get; }

    /// <summary>
    /// Adds an entry whose content is read from <paramref name="source"/>, opened only now, at offset 0.
    /// Directories and symbolic links take no source; a file without one is empty.
    /// </summary>
    /// <exception cref="InvalidEntryNameException">The entry's name breaks the name policy; nothing of it was written.</exception>
    /// <exception cref="ArchiveException">A format limit was reached, or the source failed or delivered a length other than declared.</exception>
    ValueTask AddEntryAsync(ArchiveEntry entry, EntrySource? source = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a file entry and returns a write-only stream for its content, for producers that push bytes.
    /// Disposing the stream (asynchronously) finishes the entry; only asynchronous writes are supported.
    /// </summary>
    ValueTask<Stream> OpenEntryAsync(ArchiveEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Writes the archive's end records (central directory, end blocks) and flushes the output.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);
}
