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
