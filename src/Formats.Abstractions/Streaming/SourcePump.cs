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
            throw new ArchiveException(entry.Name, $"source could not be opened: {ex.Message}", ex);
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
                        throw new ArchiveException(entry.Name, $"source failed after {counter.Length} bytes: {ex.Message}", ex);
                    }
                }

                if (chunk.IsEmpty)
                {
                    if (limit is not null)
                    {
                        throw new ArchiveException(entry.Name, $"source ended {remaining} bytes before the end of the range being written");
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
    /// output's window, from the source opened at the offset that needs; the rest is counted, not read. When the window
    /// needs a CRC-32 the entry does not declare (<see cref="ICrcContent"/>), it comes from <paramref name="crcStore"/>,
    /// or the whole content is read for it, and only the part inside the window is written.
    /// </summary>
    public static async ValueTask PumpWindowAsync(PreparedEntry entry, long length, ContentCounter counter, ArchiveOutput output, ICrcStore? crcStore, CancellationToken cancellationToken)
    {
        var dataStart = output.Position;
        var crcContent = counter.Content as ICrcContent;
        var readAll = entry.Source is not null && crcContent is not null && crcContent.NeedsCrc(length);
        if (readAll && crcStore is not null && await RememberedCrcAsync(entry, crcStore, cancellationToken).ConfigureAwait(false) is { } remembered)
        {
            crcContent!.UseCrc(remembered);
            readAll = false;
        }

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
            await ReadAllAsync(entry, source, counter, length, before, needed, crcStore, cancellationToken).ConfigureAwait(false);
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
    /// The whole content from its start: <paramref name="before"/> bytes read for the checksum only, then
    /// <paramref name="needed"/> written, then the rest read for the checksum only; the checksum is then remembered.
    /// </summary>
    private static async ValueTask ReadAllAsync(PreparedEntry entry, EntrySource source, ContentCounter counter, long length, long before, long needed, ICrcStore? crcStore, CancellationToken cancellationToken)
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
            await RememberCrcAsync(entry, stream, counter, crcStore, cancellationToken).ConfigureAwait(false);
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
                    throw new ArchiveException(entry.Name, $"source failed after {counter.Length} bytes: {ex.Message}", ex);
                }

                if (read == 0)
                {
                    throw new ArchiveException(entry.Name, $"source ended after {counter.Length} bytes, before its declared length");
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

    /// <summary>The CRC-32 remembered for the entry's source, if it has an identity and the store knows it.</summary>
    private static async ValueTask<uint?> RememberedCrcAsync(PreparedEntry entry, ICrcStore crcStore, CancellationToken cancellationToken)
    {
        try
        {
            return await entry.Source!.GetIdentityAsync(cancellationToken).ConfigureAwait(false) is { } identity
                ? await crcStore.GetAsync(CrcStoreKeys.For(identity), cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A store or a HEAD that fails costs a read of the member, not the archive.
            return null;
        }
    }

    /// <summary>
    /// Remembers the CRC-32 of content read whole (every byte written or read for the checksum), under the identity its
    /// opened stream tells: nothing for content that declared its CRC-32, was partly skipped, or has no identity.
    /// </summary>
    public static async ValueTask RememberCrcAsync(PreparedEntry entry, Stream stream, ContentCounter counter, ICrcStore? crcStore, CancellationToken cancellationToken)
    {
        if (crcStore is null || entry.Crc32 is not null || counter.Content is not ICrcContent { ContentCrc: { } crc }
            || (stream as IEntrySourceMetadata)?.Identity is not { } identity)
        {
            return;
        }

        try
        {
            await crcStore.SetAsync(CrcStoreKeys.For(identity), crc, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not remembering costs a later range a read; it never fails the archive.
        }
    }
}
