using System.Buffers.Binary;
using Formats.Zip.Encoding;
using Formats.Zip.Records;

namespace Formats.Zip.Sources;

// The gzip header and trailer (RFC 1952 2.3), read and checked.
public static partial class GzipMember
{
    /// <summary>RFC 1952 2.3.1: the only compression method, deflate.</summary>
    private const byte MethodDeflate = 8;

    /// <summary>FLG bits (RFC 1952 2.3.1).</summary>
    private const byte FlagText = 1, FlagHeaderCrc = 2, FlagExtra = 4, FlagName = 8, FlagComment = 16, FlagsReserved = 0xE0;

    /// <summary>Longest header read (FEXTRA holds at most 65,535 bytes; FNAME and FCOMMENT are NUL-terminated and unbounded).</summary>
    private const int MaxHeaderLength = 1 << 20;

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
                    throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, filled >= MaxHeaderLength
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
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"source is not gzip: it starts with 0x{prefix[0]:X2} 0x{prefix[1]:X2}, not ID1 ID2 0x1F 0x8B");
        }

        var method = prefix[GzipMemberHeader.FieldLocations.CompressionMethod];
        var flags = prefix[GzipMemberHeader.FieldLocations.Flags];
        if (method != MethodDeflate)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"gzip CM is {method}; RFC 1952 defines only 8 (deflate)");
        }

        if ((flags & FlagsReserved) != 0)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"gzip FLG is 0x{flags:X2}: reserved bits are set (RFC 1952 2.3.1 says to refuse it)");
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
                throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"gzip header CRC16 is 0x{stored:X4}, but the header's is 0x{computed:X4}");
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
}
