namespace Formats.Streaming;

/// <summary>A format's sink for one entry's content, after its header went out. The core checks lengths; the format encodes.</summary>
internal interface IEntryContent
{
    /// <summary>Takes the next bytes of content.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Accounts for <paramref name="count"/> bytes of content that lie outside the window being written (a byte range, or
    /// a length prediction) without reading them. Only layouts whose content length is its encoded length get here.
    /// </summary>
    void Skip(long count);

    /// <summary>The content is complete (its length checked by the core): write whatever follows it (a descriptor, padding).</summary>
    ValueTask FinishAsync(CancellationToken cancellationToken);
}
