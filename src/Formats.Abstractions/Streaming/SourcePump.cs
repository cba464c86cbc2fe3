using System.Buffers;
using System.Runtime.CompilerServices;

namespace Formats.Streaming;

/// <summary>
/// Moves an entry's content from its source to the format: opens the source (at the offset a range needs), reads it in
/// pooled pieces (or hands over slices of content already in memory), and names the entry in every source error.
/// </summary>
internal static class SourcePump
{
    /// <summary>Read size for sources.</summary>
    public const int SourceBufferSize = 256 * 1024;

    /// <summary>Slice size for sources already in memory.</summary>
    public const int MemoryChunkSize = 1024 * 1024;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Stream> OpenAsync(PreparedEntry entry, EntrySource source, long offset, CancellationToken cancellationToken)
    {
        try
        {
            return await source.OpenAsync(offset, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ArchiveException(entry.Name, ArchiveErrors.ReasonOf(ex) ?? ArchiveErrorReason.SourceUnavailable, $"source could not be opened: {ex.Message}", ex);
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end, or exactly <paramref name="limit"/> bytes of it when given.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask PumpAsync(PreparedEntry entry, Stream stream, ContentCounter counter, long? limit, CancellationToken cancellationToken)
    {
        var remaining = limit ?? long.MaxValue;

        // Bytes already in memory go to the format as slices of that memory, without a copy; others are read into a rented buffer.
        var memory = stream as ReadOnlyMemoryStream;
        var buffer = memory is null ? ArrayPool<byte>.Shared.Rent(SourceBufferSize) : null;
        try
        {
            while (remaining > 0)
            {
                ReadOnlyMemory<byte> chunk;
                if (memory is not null)
                {
                    chunk = memory.Take((int)Math.Min(MemoryChunkSize, remaining));
                }
                else
                {
                    try
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(SourceBufferSize, remaining)), cancellationToken).ConfigureAwait(false);
                        chunk = buffer.AsMemory(0, read);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        throw new ArchiveException(entry.Name, ArchiveErrors.ReasonOf(ex) ?? ArchiveErrorReason.SourceFailed, $"source failed after {counter.Length} bytes: {ex.Message}", ex);
                    }
                }

                if (chunk.IsEmpty)
                {
                    if (limit is not null)
                    {
                        throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceTooShort, $"source ended {remaining} bytes before the end of the range being written");
                    }

                    return;
                }

                remaining -= chunk.Length;
                await counter.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// An entry's content in a measure or range run, its header already laid out: read only where it overlaps the
    /// output's window, from the source opened at the offset that needs; the rest is counted, not read. When the format
    /// needs the whole content read for what it keeps beside the bytes (<see cref="IWholeReadContent"/>), it is read
    /// whole, and only the part inside the window is written.
    /// </summary>
    public static async ValueTask PumpWindowAsync(PreparedEntry entry, long length, ContentCounter counter, ArchiveOutput output, CancellationToken cancellationToken)
    {
        var dataStart = output.Position;
        var readAll = entry.Source is not null && counter.Content is IWholeReadContent whole
            && await whole.NeedsWholeReadAsync(length, cancellationToken).ConfigureAwait(false);
        if (entry.Source is not { } source || (!readAll && !output.Overlaps(dataStart, length)))
        {
            counter.Skip(length);
            return;
        }

        var (windowStart, windowEnd) = output.Window;
        var before = Math.Min(length, Math.Max(0, windowStart - dataStart));
        var needed = Math.Max(0, Math.Min(length, windowEnd - dataStart) - before);
        if (readAll)
        {
            await ReadAllAsync(entry, source, counter, length, before, needed, cancellationToken).ConfigureAwait(false);
            return;
        }

        counter.Skip(before);
        var stream = await OpenAsync(entry, source, before, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await PumpAsync(entry, stream, counter, needed, cancellationToken).ConfigureAwait(false);
        }

        counter.Skip(length - before - needed);
    }

    /// <summary>
    /// The whole content from its start: <paramref name="before"/> bytes read for the format only, then
    /// <paramref name="needed"/> written, then the rest read for the format only; the format is then told.
    /// </summary>
    private static async ValueTask ReadAllAsync(PreparedEntry entry, EntrySource source, ContentCounter counter, long length, long before, long needed, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(entry, source, 0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await ReadOutsideAsync(entry, stream, counter, before, cancellationToken).ConfigureAwait(false);
            if (needed > 0)
            {
                await PumpAsync(entry, stream, counter, needed, cancellationToken).ConfigureAwait(false);
            }

            await ReadOutsideAsync(entry, stream, counter, length - before - needed, cancellationToken).ConfigureAwait(false);
            await WasReadWholeAsync(stream, counter, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask ReadOutsideAsync(PreparedEntry entry, Stream stream, ContentCounter counter, long count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(SourceBufferSize);
        try
        {
            while (count > 0)
            {
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw new ArchiveException(entry.Name, ArchiveErrors.ReasonOf(ex) ?? ArchiveErrorReason.SourceFailed, $"source failed after {counter.Length} bytes: {ex.Message}", ex);
                }

                if (read == 0)
                {
                    throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceTooShort, $"source ended after {counter.Length} bytes, before its declared length");
                }

                counter.SkipRead(buffer.AsSpan(0, read));
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Tells the format that every byte of the source opened as <paramref name="stream"/> went through its content.</summary>
    public static ValueTask WasReadWholeAsync(Stream stream, ContentCounter counter, CancellationToken cancellationToken) =>
        counter.Content is IWholeReadContent whole ? whole.WasReadWholeAsync(stream, cancellationToken) : ValueTask.CompletedTask;
}
