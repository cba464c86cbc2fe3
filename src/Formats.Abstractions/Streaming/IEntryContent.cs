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
/// Content whose format keeps a CRC-32 of all of it (zip). In a range run, an entry that declares none still needs it
/// when a record inside the window holds it (its data descriptor, the central directory): then content outside the
/// window is read for the checksum alone (<see cref="SkipRead"/>), unless a remembered one is given (<see cref="UseCrc"/>).
/// </summary>
internal interface ICrcContent : ISkippableContent
{
    /// <summary>The CRC-32 of every byte so far, when every byte went through (written or <see cref="SkipRead"/>); null once any was skipped unread.</summary>
    uint? ContentCrc { get; }

    /// <summary>True when this run's window needs the entry's CRC-32 and neither the entry nor <see cref="UseCrc"/> gave it.</summary>
    bool NeedsCrc(long length);

    /// <summary>A CRC-32 remembered for the source: skipped content then needs no reading.</summary>
    void UseCrc(uint crc);

    /// <summary>Accounts for content outside the window that was read for its CRC-32 only: nothing is written.</summary>
    void SkipRead(ReadOnlySpan<byte> data);
}
