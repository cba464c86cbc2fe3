using System.Buffers;
using Formats.Zip.Encoding;

namespace Formats.Zip;

/// <summary>
/// The one path for the CRC-32 of a source's content outside a member's write: looked up in an <see cref="ICrcStore"/>
/// under the source's identity (<see cref="CrcStoreKeys"/>), remembered there once computed, and computed by
/// <see cref="Crc32Accumulator"/>. The writer asks it for a range that needs a member's CRC-32
/// (<c>ZipContentWriter.NeedsWholeReadAsync</c>) and remembers through it what a write computed; the <c>formats</c>
/// command reads its files first through <see cref="ComputeAsync"/>. A store that fails costs a read, never the archive.
/// </summary>
internal static class SourceCrcs
{
    /// <summary>Read size for a source read for its CRC-32 alone.</summary>
    private const int ReadSize = 1024 * 1024;

    /// <summary>The store key of <paramref name="source"/>'s identity, or null when it has none (or telling it failed).</summary>
    public static async ValueTask<string?> KeyAsync(EntrySource source, CancellationToken cancellationToken)
    {
        try
        {
            return await source.GetIdentityAsync(cancellationToken).ConfigureAwait(false) is { } identity ? CrcStoreKeys.For(identity) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A HEAD that fails costs a read of the member, not the archive.
            return null;
        }
    }

    /// <summary>The CRC-32 remembered under <paramref name="key"/>, or null (no store, no key, not known, or the store failed).</summary>
    public static async ValueTask<uint?> RememberedAsync(ICrcStore? store, string? key, CancellationToken cancellationToken)
    {
        if (store is null || key is null)
        {
            return null;
        }

        try
        {
            return await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The CRC-32 remembered for <paramref name="source"/>, if it has an identity and the store knows it.</summary>
    public static async ValueTask<uint?> RememberedAsync(ICrcStore? store, EntrySource source, CancellationToken cancellationToken) =>
        store is null ? null : await RememberedAsync(store, await KeyAsync(source, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Remembers <paramref name="crc"/> under <paramref name="key"/>; not remembering costs a later read, never the archive.</summary>
    public static async ValueTask RememberAsync(ICrcStore? store, string? key, uint crc, CancellationToken cancellationToken)
    {
        if (store is null || key is null)
        {
            return;
        }

        try
        {
            await store.SetAsync(key, crc, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not remembering costs a later range a read; it never fails the archive.
        }
    }

    /// <summary>
    /// The CRC-32 of all of <paramref name="source"/>'s content, for the entry <paramref name="entryName"/>: the one
    /// remembered in <paramref name="store"/>, else read from the source's start and remembered under its identity (the
    /// source's, else the one its opened stream tells). Throws <see cref="ArchiveException"/> naming the entry when the
    /// source cannot be read. A source that can be read only once (a pipe, a FIFO, standard input) is never read first:
    /// it is refused with <see cref="ArgumentException"/>.
    /// </summary>
    public static async ValueTask<uint> ComputeAsync(string entryName, EntrySource source, ICrcStore? store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.CanReopen)
        {
            throw new ArgumentException($"entry '{entryName}': its source can be read only once, so it is never read first for its CRC-32", nameof(source));
        }

        var key = store is null ? null : await KeyAsync(source, cancellationToken).ConfigureAwait(false);
        if (await RememberedAsync(store, key, cancellationToken).ConfigureAwait(false) is { } remembered)
        {
            return remembered;
        }

        var crc = new Crc32Accumulator();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            var stream = await source.OpenAsync(0, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    crc.Append(buffer.AsSpan(0, read));
                }

                key ??= store is not null && (stream as IEntrySourceMetadata)?.Identity is { } told ? CrcStoreKeys.For(told) : null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // As the writer reports a failing source (an HTTP error is no IOException): named, in one line.
            throw new ArchiveException(entryName, ArchiveErrors.ReasonOf(ex) ?? ArchiveErrorReason.SourceFailed, $"source could not be read for its CRC-32: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await RememberAsync(store, key, crc.Value, cancellationToken).ConfigureAwait(false);
        return crc.Value;
    }
}
