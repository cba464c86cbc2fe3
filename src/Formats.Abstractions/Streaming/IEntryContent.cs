namespace Formats.Streaming;

/// <summary>A format's sink for one entry's content. The core checks lengths; the format encodes.</summary>
internal interface IEntryContent
{
    /// <summary>Takes the next bytes of content.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The content is complete (its length checked by the core): write whatever follows it (a descriptor, padding).</summary>
    ValueTask FinishAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The archive failed or was disposed before the content was finished: return pooled buffers and wait for any
    /// background work, writing nothing. Called once, after the output was aborted; never throws.
    /// </summary>
    ValueTask AbortAsync();
}

/// <summary>
/// Content whose encoded bytes are the content's own bytes (stored zip, tar), so a measure or range run can account for
/// bytes outside its window without reading them. Only such content is laid out in those runs (the writers refuse
/// the rest first, saying why).
/// </summary>
internal interface ISkippableContent : IEntryContent
{
    /// <summary>Accounts for <paramref name="count"/> bytes of content outside the window without reading them.</summary>
    void Skip(long count);
}

/// <summary>
/// Content whose format keeps something computed from all of it (zip: the CRC-32 of a member that declares none),
/// which a measure or range run may need in a record inside its window although the window holds only part of the
/// content. The core asks <see cref="NeedsWholeReadAsync"/> before the content: when true, it reads the content whole
/// from its start, handing the part outside the window to <see cref="SkipRead"/>. Whenever a source was read whole
/// (every byte written, or read for the format), the core says so (<see cref="WasReadWholeAsync"/>), so the format can
/// keep what it computed. The core knows nothing of what is computed, nor where it is kept.
/// </summary>
internal interface IWholeReadContent : ISkippableContent
{
    /// <summary>
    /// True when this run's window needs the whole content read for the format (it found what it needs nowhere else,
    /// such as in a store of what it computed before from the same source).
    /// </summary>
    ValueTask<bool> NeedsWholeReadAsync(long length, CancellationToken cancellationToken);

    /// <summary>Accounts for content outside the window that was read for the format only: nothing is written.</summary>
    void SkipRead(ReadOnlySpan<byte> data);

    /// <summary>
    /// Every byte of the source opened as <paramref name="source"/> went through this content (written, or
    /// <see cref="SkipRead"/>): the format may keep what it computed, under what the stream tells
    /// (<see cref="IEntrySourceMetadata.Identity"/>). Never fails the archive for that.
    /// </summary>
    ValueTask WasReadWholeAsync(Stream source, CancellationToken cancellationToken);
}
