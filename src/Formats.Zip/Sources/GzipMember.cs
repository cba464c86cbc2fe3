using System.Buffers.Binary;
using System.IO.Compression;
using Formats.Streaming;
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

/// <summary>
/// The first <paramref name="length"/> bytes of <paramref name="inner"/> for an inflater: in pieces as asked, but the
/// last <see cref="Tail"/> bytes one per read, so that <see cref="Delivered"/> says exactly where the deflate stream
/// ended when it ends in them (an inflater asks for no byte past its stream's end).
/// </summary>
internal sealed class EndFindingStream(Stream inner, long length) : ReadOnlyStreamBase
{
    private const int Tail = 64;

    /// <summary>Bytes handed to the inflater so far.</summary>
    public long Delivered { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = length - Delivered;
        var most = left > Tail ? Math.Min(buffer.Length, left - Tail) : Math.Min(buffer.Length, Math.Min(left, 1));
        if (most == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)most], cancellationToken).ConfigureAwait(false);
        Delivered += read;
        return read;
    }
}

/// <summary>
/// The decompressed content of a gzip source, read once from its start. With <c>provenLength</c> its members were
/// proved complete before (<see cref="GzipMember.ToZipItemAsync"/>) and the length is the core's to check; without, the
/// source is read only now, so it must be one member: at its end the content's CRC-32 and length must be its last 8
/// bytes', or reading fails (and with it the archive), since the runtime's inflater ends quietly at a truncated input.
/// </summary>
internal sealed class GunzipSource(EntrySource gzip, string name, long? provenLength) : EntrySource
{
    public override long? Length => provenLength;

    public override DateTimeOffset? LastModified => gzip.LastModified;

    public override string? Location => gzip.Location is { } compressed ? "gunzip of " + compressed : null;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        if (offset != 0)
        {
            throw new NotSupportedException("decompressed gzip content is read from its start only");
        }

        var compressed = await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false);
        if (provenLength is not null)
        {
            return new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false);
        }

        var tail = new TailKeepingStream(compressed);
        return new TrailerCheckingStream(new GZipStream(tail, CompressionMode.Decompress, leaveOpen: false), tail, name);
    }
}

/// <summary>Passes reads through and keeps the last 8 bytes read: a gzip file's trailer, once it has ended.</summary>
internal sealed class TailKeepingStream(Stream inner) : ReadOnlyStreamBase
{
    private readonly byte[] _tail = new byte[GzipMemberTrailer.FixedLength];
    private long _total;

    /// <summary>The last 8 bytes read, or null when fewer were read.</summary>
    public ReadOnlySpan<byte> Tail => _total < _tail.Length ? default : _tail;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var span = buffer.Span[..read];
        if (span.Length >= _tail.Length)
        {
            span[^_tail.Length..].CopyTo(_tail);
        }
        else if (span.Length > 0)
        {
            // Shift the kept bytes left by what came in, and append it.
            _tail.AsSpan(span.Length).CopyTo(_tail);
            span.CopyTo(_tail.AsSpan(_tail.Length - span.Length));
        }

        _total += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The inflated content of a gzip read once, checked at its end against the trailer its source ended with.</summary>
internal sealed class TrailerCheckingStream(Stream inflater, TailKeepingStream tail, string name) : ReadOnlyStreamBase
{
    private readonly Crc32Accumulator _crc = new();
    private long _length;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inflater.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            _crc.Append(buffer.Span[..read]);
            _length += read;
            return read;
        }

        var trailer = tail.Tail;
        if (trailer.IsEmpty
            || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer[GzipMemberTrailer.FieldLocations.Crc32..]) != _crc.Value
            || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer[GzipMemberTrailer.FieldLocations.InputSize..]) != (uint)_length)
        {
            throw new InvalidDataException($"gzip source '{name}' is truncated, corrupt or of several members: its {_length} inflated bytes are not what its last 8 bytes say (a gzip read once must be one complete member)")
                .WithReason(ArchiveErrorReason.SourceInvalid);
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inflater.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inflater.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
