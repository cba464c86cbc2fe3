using System.Buffers.Binary;
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
public static class GzipMember
{
    /// <summary>RFC 1952 2.3.1: the only compression method, deflate.</summary>
    private const byte MethodDeflate = 8;

    /// <summary>FLG bits (RFC 1952 2.3.1).</summary>
    private const byte FlagText = 1, FlagHeaderCrc = 2, FlagExtra = 4, FlagName = 8, FlagComment = 16, FlagsReserved = 0xE0;

    /// <summary>Longest header read (FEXTRA holds at most 65,535 bytes; FNAME and FCOMMENT are NUL-terminated and unbounded).</summary>
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>
    /// The plan item that adds the content of <paramref name="gzip"/> as the zip member <paramref name="entry"/> (the
    /// caller names it: the gzip's FNAME is ignored, and so is its MTIME, so the entry is dated as any other, by itself or
    /// by the source). When the gzip holds one member and its source knows its length and opens at offsets (a file),
    /// the item is a raw deflate member (<see cref="ZipEntryOptions.Raw"/>): the source is read once in full through an
    /// inflater to prove that (the inflated bytes' CRC-32 and count must be the trailer's; a multi-member gzip fails the
    /// proof), and once more when the member is written, its deflate bytes copied. Otherwise the item's source delivers
    /// the decompressed content and the archive's method compresses it. Throws <see cref="ArchiveException"/> for a
    /// source that is not gzip or is corrupt.
    /// </summary>
    public static async ValueTask<ArchiveItem> ToZipItemAsync(ArchiveEntry entry, EntrySource gzip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(gzip);
        if (gzip.Length is not { } length)
        {
            return Decompressed(entry, gzip);
        }

        try
        {
            var headerLength = await ReadHeaderAsync(entry, gzip, length, cancellationToken).ConfigureAwait(false);
            var (crc, size) = await ReadTrailerAsync(gzip, length, cancellationToken).ConfigureAwait(false);
            var (inflatedCrc, inflatedLength) = await InflateAsync(gzip, cancellationToken).ConfigureAwait(false);
            if (inflatedCrc != crc || (uint)inflatedLength != size)
            {
                // The inflater went on through further members: the trailer at the end is the last member's only.
                return Decompressed(entry, gzip);
            }

            var raw = new ZipRawContent(ZipCompressionMethod.Deflate, crc, length - headerLength - GzipMemberTrailer.FixedLength, inflatedLength);
            return new ArchiveItem(entry, new SliceSource(gzip, headerLength, raw.CompressedLength)) { Options = new ZipEntryOptions { Raw = raw } };
        }
        catch (InvalidDataException ex)
        {
            throw new ArchiveException(entry.Name, $"gzip source is corrupt: {ex.Message}", ex);
        }
    }

    /// <summary>The content decompressed, for the archive's method to compress again.</summary>
    private static ArchiveItem Decompressed(ArchiveEntry entry, EntrySource gzip) => new(entry, new GunzipSource(gzip));

    /// <summary>Reads and checks the header (RFC 1952 2.3): its length, where the deflate stream starts.</summary>
    private static async ValueTask<int> ReadHeaderAsync(ArchiveEntry entry, EntrySource gzip, long length, CancellationToken cancellationToken)
    {
        var stream = await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[(int)Math.Min(length, 4096)];
            var filled = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                filled += read;
                if (ParseHeader(entry, buffer.AsSpan(0, filled)) is { } headerLength)
                {
                    return headerLength;
                }

                if (read == 0 || filled >= MaxHeaderLength)
                {
                    throw new ArchiveException(entry.Name, filled >= MaxHeaderLength
                        ? $"gzip header is longer than {MaxHeaderLength} bytes"
                        : $"gzip source ends inside its header ({filled} bytes)");
                }

                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(Math.Min(length, MaxHeaderLength), buffer.Length * 2L));
                }
            }
        }
    }

    /// <summary>The header's length when <paramref name="prefix"/> holds all of it; null when more bytes are needed.</summary>
    internal static int? ParseHeader(ArchiveEntry entry, ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < GzipMemberHeader.FixedLength)
        {
            return null;
        }

        if (prefix[GzipMemberHeader.FieldLocations.Id1] != GzipMemberHeader.Id1 || prefix[GzipMemberHeader.FieldLocations.Id2] != GzipMemberHeader.Id2)
        {
            throw new ArchiveException(entry.Name, $"source is not gzip: it starts with 0x{prefix[0]:X2} 0x{prefix[1]:X2}, not ID1 ID2 0x1F 0x8B");
        }

        var method = prefix[GzipMemberHeader.FieldLocations.CompressionMethod];
        var flags = prefix[GzipMemberHeader.FieldLocations.Flags];
        if (method != MethodDeflate)
        {
            throw new ArchiveException(entry.Name, $"gzip CM is {method}; RFC 1952 defines only 8 (deflate)");
        }

        if ((flags & FlagsReserved) != 0)
        {
            throw new ArchiveException(entry.Name, $"gzip FLG is 0x{flags:X2}: reserved bits are set (RFC 1952 2.3.1 says to refuse it)");
        }

        _ = FlagText; // FTEXT is a hint about the content, nothing to skip.
        var at = GzipMemberHeader.FixedLength;
        if ((flags & FlagExtra) != 0)
        {
            if (prefix.Length < at + 2)
            {
                return null;
            }

            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(prefix[at..]); // XLEN, then the subfields
        }

        foreach (var flag in (ReadOnlySpan<byte>)[FlagName, FlagComment])
        {
            if ((flags & flag) != 0)
            {
                if (at > prefix.Length)
                {
                    return null;
                }

                var end = prefix[at..].IndexOf((byte)0); // zero-terminated (ISO 8859-1)
                if (end < 0)
                {
                    return null;
                }

                at += end + 1;
            }
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            if (prefix.Length < at + 2)
            {
                return null;
            }

            // CRC16: the two low bytes of the CRC-32 of the header before it (RFC 1952 2.3.1).
            var stored = BinaryPrimitives.ReadUInt16LittleEndian(prefix[at..]);
            var computed = (ushort)Crc32Accumulator.Compute(prefix[..at]);
            if (stored != computed)
            {
                throw new ArchiveException(entry.Name, $"gzip header CRC16 is 0x{stored:X4}, but the header's is 0x{computed:X4}");
            }

            at += 2;
        }

        return at <= prefix.Length ? at : null;
    }

    private static async ValueTask<(uint Crc32, uint Size)> ReadTrailerAsync(EntrySource gzip, long length, CancellationToken cancellationToken)
    {
        var trailer = new byte[GzipMemberTrailer.FixedLength];
        var stream = await gzip.OpenAsync(length - trailer.Length, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(trailer, cancellationToken).ConfigureAwait(false);
        }

        return (
            BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(GzipMemberTrailer.FieldLocations.Crc32)),
            BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(GzipMemberTrailer.FieldLocations.InputSize)));
    }

    /// <summary>Inflates every member (GZipStream goes on through concatenated ones) for the CRC-32 and count of the plain bytes.</summary>
    private static async ValueTask<(uint Crc32, long Length)> InflateAsync(EntrySource gzip, CancellationToken cancellationToken)
    {
        var stream = await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var inflater = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            await using var inflaterScope = inflater.ConfigureAwait(false);
            var crc = new Crc32Accumulator();
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                long total = 0;
                int read;
                while ((read = await inflater.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    crc.Append(buffer.AsSpan(0, read));
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
}

/// <summary>The decompressed content of a gzip source (every member), read once from its start.</summary>
internal sealed class GunzipSource(EntrySource gzip) : EntrySource
{
    public override DateTimeOffset? LastModified => gzip.LastModified;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        if (offset != 0)
        {
            throw new NotSupportedException("decompressed gzip content is read from its start only");
        }

        return new GZipStream(await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false), CompressionMode.Decompress, leaveOpen: false);
    }
}
