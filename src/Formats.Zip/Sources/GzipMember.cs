using System.IO.Compression;
using Formats.Zip.Encoding;
using Formats.Zip.Records;

namespace Formats.Zip.Sources;

/// <summary>
/// A gzip file (RFC 1952) as a zip member. A gzip member is a header, a raw deflate stream and a trailer holding the
/// CRC-32 and length of the plain data: exactly what a zip deflate member needs. So when the gzip holds one member, its
/// deflate stream is copied into the zip as it is, with the trailer's CRC-32, without recompressing. Otherwise (several
/// members, as <c>cat a.gz b.gz</c> or bgzip make; a source whose length is unknown until read, such as standard
/// input) the content is decompressed and compressed again by the archive's method. The rules are in
/// docs/format-decisions.md, "Gzip sources".
/// </summary>
public static partial class GzipMember
{

    /// <summary>
    /// The plan item that adds the content of <paramref name="gzip"/> as the zip member <paramref name="entry"/> (the
    /// caller names it: the gzip's FNAME is ignored, and so is its MTIME, so the entry is dated as any other, by itself or
    /// by the source). When the source knows its length and can be opened more than once (a file, bytes, a URL, a
    /// seekable stream left open), it is read before anything is written: when it is proved to hold one member (its
    /// deflate stream ends exactly at the trailer and inflates to the trailer's CRC-32 and length), the item is a raw
    /// deflate member (<see cref="ZipEntryOptions.Raw"/>) whose bytes are copied when it is written; otherwise (several
    /// members) every member is inflated and the last one's trailer checked, and the item's source delivers the
    /// decompressed content for the archive's method to compress. A source read only once is decompressed as it is
    /// written and must be one member, checked against its trailer at its end (else the archive fails). Throws
    /// <see cref="ArchiveException"/> for a source that is not gzip, is corrupt or is truncated.
    /// </summary>
    public static async ValueTask<ArchiveItem> ToZipItemAsync(ArchiveEntry entry, EntrySource gzip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(gzip);
        if (gzip.Length is not { } length || !gzip.CanReopen)
        {
            // Read once, as it is written: it must then be one member, checked against its trailer at its end.
            return new ArchiveItem(entry, new GunzipSource(gzip, entry.Name, provenLength: null));
        }

        try
        {
            var headerLength = await ReadHeaderAsync(entry, gzip, length, cancellationToken).ConfigureAwait(false);
            var deflateLength = length - headerLength - GzipMemberTrailer.FixedLength;
            if (deflateLength < MinDeflateLength)
            {
                throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"gzip source is {length} bytes: too short for its {headerLength}-byte header, a deflate stream and the {GzipMemberTrailer.FixedLength}-byte trailer");
            }

            var (crc, size) = await ReadTrailerAsync(gzip, length, cancellationToken).ConfigureAwait(false);
            var first = await InflateFirstMemberAsync(gzip, headerLength, deflateLength, cancellationToken).ConfigureAwait(false);
            if (first.EndsAtTrailer && first.Crc32 == crc && (uint)first.Length == size)
            {
                // One member, proved: its deflate stream ends exactly where the trailer starts, and inflates to what the
                // trailer says. Its bytes are the member's.
                var raw = new ZipRawContent(ZipCompressionMethod.Deflate, crc, deflateLength, first.Length);
                return new ArchiveItem(entry, new SliceSource(gzip, headerLength, raw.CompressedLength)) { Options = new ZipEntryOptions { Raw = raw } };
            }

            // Several members (cat a.gz b.gz, bgzip), or a corrupt or truncated file: decompressed and compressed again,
            // once the last member is proved complete (the runtime's GZipStream ends quietly at a truncated input). The
            // whole content's CRC-32, computed on the way, is declared: a stored member then carries it in its local
            // header whatever the output (no descriptor), and the core checks it when the member is written.
            var (total, contentCrc) = await ProveCompleteAsync(entry, gzip, crc, size, cancellationToken).ConfigureAwait(false);
            return new ArchiveItem(new ArchiveEntry(entry) { Crc32 = entry.Crc32 ?? contentCrc }, new GunzipSource(gzip, entry.Name, provenLength: total));
        }
        catch (InvalidDataException ex)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"gzip source is corrupt: {ex.Message}", ex);
        }
    }

    /// <summary>The shortest deflate stream: a final fixed-Huffman block holding only its end code (10 bits).</summary>
    private const int MinDeflateLength = 2;

    /// <summary>What inflating the first member's deflate stream found.</summary>
    private readonly record struct FirstMember(uint Crc32, long Length, bool EndsAtTrailer);

    /// <summary>
    /// Inflates the deflate stream that starts after the header, handing the inflater its last bytes one at a time, so
    /// that where the stream ends is known exactly: at the trailer (one member), or before it (more members, or junk).
    /// </summary>
    private static async ValueTask<FirstMember> InflateFirstMemberAsync(EntrySource gzip, int headerLength, long deflateLength, CancellationToken cancellationToken)
    {
        var stream = await gzip.OpenAsync(headerLength, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var fed = new EndFindingStream(stream, deflateLength);
            var (crc, plain) = await InflateAsync(new DeflateStream(fed, CompressionMode.Decompress, leaveOpen: true), cancellationToken).ConfigureAwait(false);
            return new FirstMember(crc, plain, fed.Delivered == deflateLength);
        }
    }

    /// <summary>
    /// Inflates every member and checks that the last one is complete: the trailer at the end must be the CRC-32 and
    /// length of the content's last <c>ISIZE</c> bytes (a truncated file ends in deflate data, not a trailer). Returns the
    /// plain length of all members and the CRC-32 of their whole content.
    /// </summary>
    private static async ValueTask<(long Length, uint Crc32)> ProveCompleteAsync(ArchiveEntry entry, EntrySource gzip, uint lastCrc, uint lastSize, CancellationToken cancellationToken)
    {
        long total;
        uint crc;
        var stream = await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            (crc, total) = await InflateAsync(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true), cancellationToken).ConfigureAwait(false);
        }

        if (lastSize > total)
        {
            throw NotComplete(entry, lastCrc, lastSize, total);
        }

        stream = await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var (suffixCrc, _) = await InflateAsync(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true), cancellationToken, skip: total - lastSize).ConfigureAwait(false);
            return suffixCrc == lastCrc ? (total, crc) : throw NotComplete(entry, lastCrc, lastSize, total);
        }
    }

    private static ArchiveException NotComplete(ArchiveEntry entry, uint lastCrc, uint lastSize, long total) => new(
        entry.Name,
        ArchiveErrorReason.SourceInvalid,
        $"gzip source is truncated or corrupt: its last 8 bytes (CRC-32 0x{lastCrc:X8}, ISIZE {lastSize}) are not the trailer of the last member of its {total} inflated bytes");

    /// <summary>
    /// Reads <paramref name="inflater"/> to its end (and disposes it): the CRC-32 of the plain bytes after the first
    /// <paramref name="skip"/>, and the count of all of them.
    /// </summary>
    private static async ValueTask<(uint Crc32, long Length)> InflateAsync(Stream inflater, CancellationToken cancellationToken, long skip = 0)
    {
        await using var inflaterScope = inflater.ConfigureAwait(false);
        var crc = new Crc32Accumulator();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long total = 0;
            int read;
            while ((read = await inflater.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var skipped = (int)Math.Clamp(skip - total, 0, read);
                crc.Append(buffer.AsSpan(skipped, read - skipped));
                total += read;
            }

            return (crc.Value, total);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
