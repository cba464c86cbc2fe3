namespace Formats.Streaming;

/// <summary>Counts an entry's content on its way to the format and holds it to the declared length.</summary>
internal sealed class ContentCounter(PreparedEntry entry, IEntryContent content)
{
    public PreparedEntry Entry => entry;

    public long Length { get; private set; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (entry.Length is { } declared && data.Length > declared - Length)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceTooLong, $"source delivered more than the declared length of {declared} bytes");
        }

        Length += data.Length;
        return content.WriteAsync(data, cancellationToken);
    }

    /// <summary>Accounts for content outside a measure or range run's window (see <see cref="ISkippableContent"/>).</summary>
    public void Skip(long count)
    {
        if (content is not ISkippableContent skippable)
        {
            throw new InvalidOperationException($"entry '{entry.Name}': its content cannot be laid out without reading it");
        }

        Length += count;
        skippable.Skip(count);
    }

    /// <summary>The format's content, for what it keeps beside the bytes (<see cref="IWholeReadContent"/>).</summary>
    public IEntryContent Content => content;

    /// <summary>Accounts for content outside the window, read for the format only (see <see cref="IWholeReadContent"/>).</summary>
    public void SkipRead(ReadOnlySpan<byte> data)
    {
        if (entry.Length is { } declared && data.Length > declared - Length)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceTooLong, $"source delivered more than the declared length of {declared} bytes");
        }

        Length += data.Length;
        ((IWholeReadContent)content).SkipRead(data);
    }

    public ValueTask AbortAsync() => content.AbortAsync();

    public ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (entry.Length is { } declared && Length != declared)
        {
            throw new ArchiveException(entry.Name, Length < declared ? ArchiveErrorReason.SourceTooShort : ArchiveErrorReason.SourceTooLong, $"source delivered {Length} bytes, but the declared length is {declared}");
        }

        return content.FinishAsync(cancellationToken);
    }
}
