using System.Buffers.Binary;
using Formats.Zip.Records;

namespace Formats.Zip.Sources;

/// <summary>
/// An existing zip's central directory, read from a seekable stream (zip64 aware), so that its members can be copied
/// into a new archive without decompressing them (Go's <c>Writer.Copy</c>):
/// <see cref="ZipArchiveWriter.CopyEntryAsync(ZipSourceArchive, ZipSourceEntry, CancellationToken)"/>. Only what a copy
/// needs is read: names, methods, CRC-32s, sizes, times, modes and comments; each member's data offset is found from
/// its local header (whose extra field may differ from the central one) when it is copied. The stream stays open and
/// is read by one copy at a time.
/// </summary>
public sealed class ZipSourceArchive
{
    /// <summary>Most bytes between the end record and the file's end: its comment (APPNOTE 4.3.16).</summary>
    private const int MaxCommentLength = ushort.MaxValue;

    /// <summary>Central zip64 extra field tag (APPNOTE 4.5.3) and the extended timestamp's (Info-ZIP 0x5455).</summary>
    private const ushort Zip64ExtraId = 0x0001, ExtendedTimestampId = 0x5455;

    private ZipSourceArchive(Stream stream, IReadOnlyList<ZipSourceEntry> entries, string comment)
    {
        Stream = stream;
        Entries = entries;
        Comment = comment;
    }

    /// <summary>The members, in central directory order.</summary>
    public IReadOnlyList<ZipSourceEntry> Entries { get; }

    /// <summary>The archive comment (UTF-8), or empty.</summary>
    public string Comment { get; }

    internal Stream Stream { get; }

    /// <summary>Reads the central directory of the zip in <paramref name="stream"/> (seekable, left open). Throws <see cref="ArchiveException"/> for what is not a zip.</summary>
    public static async ValueTask<ZipSourceArchive> OpenAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("the source zip is read from a seekable stream", nameof(stream));
        }

        // The end record, searched backwards over the longest comment.
        var tailLength = (int)Math.Min(stream.Length, EndOfCentralDirectoryRecord.FixedLength + MaxCommentLength + Zip64EndOfCentralDirectoryLocator.FixedLength);
        var tail = await ReadAtAsync(stream, stream.Length - tailLength, tailLength, cancellationToken).ConfigureAwait(false);
        var endAt = -1;
        for (var at = tail.Length - EndOfCentralDirectoryRecord.FixedLength; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) == EndOfCentralDirectoryRecord.Signature
                && at + EndOfCentralDirectoryRecord.FixedLength + BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + EndOfCentralDirectoryRecord.FieldLocations.CommentLength)) == tail.Length)
            {
                endAt = at;
                break;
            }
        }

        if (endAt < 0)
        {
            throw new ArchiveException(null, ArchiveErrorReason.SourceInvalid, "source zip has no end of central directory record");
        }

        var end = tail.AsSpan(endAt);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(end[EndOfCentralDirectoryRecord.FieldLocations.TotalEntries..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(end[EndOfCentralDirectoryRecord.FieldLocations.SizeOfCentralDirectory..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(end[EndOfCentralDirectoryRecord.FieldLocations.OffsetOfCentralDirectory..]);
        var comment = System.Text.Encoding.UTF8.GetString(end[EndOfCentralDirectoryRecord.FixedLength..]);
        var locatorAt = endAt - Zip64EndOfCentralDirectoryLocator.FixedLength;
        if (locatorAt >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(locatorAt)) == Zip64EndOfCentralDirectoryLocator.Signature)
        {
            var recordAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(locatorAt + Zip64EndOfCentralDirectoryLocator.FieldLocations.OffsetOfZip64EndOfCentralDirectory));
            var record = await ReadAtAsync(stream, recordAt, Zip64EndOfCentralDirectoryRecord.FixedLength, cancellationToken).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndOfCentralDirectoryRecord.Signature)
            {
                throw new ArchiveException(null, ArchiveErrorReason.SourceInvalid, $"source zip's zip64 locator points at offset {recordAt}, where there is no zip64 end record");
            }

            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(Zip64EndOfCentralDirectoryRecord.FieldLocations.TotalEntries));
            size = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(Zip64EndOfCentralDirectoryRecord.FieldLocations.SizeOfCentralDirectory));
            offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(Zip64EndOfCentralDirectoryRecord.FieldLocations.OffsetOfCentralDirectory));
        }

        if (size > int.MaxValue || offset + size > stream.Length)
        {
            throw new ArchiveException(null, ArchiveErrorReason.SourceInvalid, $"source zip's central directory ({size} bytes at offset {offset}) lies outside its {stream.Length} bytes");
        }

        var directory = await ReadAtAsync(stream, offset, (int)size, cancellationToken).ConfigureAwait(false);
        var entries = new List<ZipSourceEntry>((int)Math.Min(count, 1 << 16));
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            entries.Add(ReadCentralHeader(directory, ref position));
        }

        return new ZipSourceArchive(stream, entries, comment);
    }

    /// <summary>
    /// What names and comments without flag bit 11 are in (APPNOTE appendix D: IBM code page 437), as Windows and most
    /// other writers have them.
    /// </summary>
    private static System.Text.Encoding Cp437
    {
        get
        {
            System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
            return System.Text.Encoding.GetEncoding(437);
        }
    }

    private static ZipSourceEntry ReadCentralHeader(byte[] directory, ref int position)
    {
        var start = position;
        var h = directory.AsSpan(position);
        if (h.Length < CentralDirectoryHeader.FixedLength || BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralDirectoryHeader.Signature)
        {
            throw new ArchiveException(null, ArchiveErrorReason.SourceInvalid, $"source zip's central directory has no header at its byte {position}");
        }

        ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(directory.AsSpan(start + at));
        uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(start + at));
        var nameLength = U16(CentralDirectoryHeader.FieldLocations.FileNameLength);
        var extraLength = U16(CentralDirectoryHeader.FieldLocations.ExtraFieldLength);
        var commentLength = U16(CentralDirectoryHeader.FieldLocations.FileCommentLength);
        if (h.Length < CentralDirectoryHeader.FixedLength + nameLength + extraLength + commentLength)
        {
            throw new ArchiveException(null, ArchiveErrorReason.SourceInvalid, $"source zip's central directory header at its byte {start} declares {nameLength + extraLength + commentLength} bytes of name, extra field and comment, past the directory's end");
        }

        var nameBytes = h.Slice(CentralDirectoryHeader.FixedLength, nameLength);
        var extra = h.Slice(CentralDirectoryHeader.FixedLength + nameLength, extraLength);
        var commentBytes = h.Slice(CentralDirectoryHeader.FixedLength + nameLength + extraLength, commentLength);
        position += CentralDirectoryHeader.FixedLength + nameLength + extraLength + commentLength;

        long length = U32(CentralDirectoryHeader.FieldLocations.UncompressedSize);
        long compressed = U32(CentralDirectoryHeader.FieldLocations.CompressedSize);
        long offset = U32(CentralDirectoryHeader.FieldLocations.RelativeOffsetOfLocalHeader);
        DateTimeOffset? time = null;
        for (var at = 0; at + 4 <= extra.Length;)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra[at..]);
            var data = extra.Slice(at + 4, Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(extra[(at + 2)..]), extra.Length - at - 4));
            if (id == Zip64ExtraId)
            {
                // Only the saturated fields, in this order (APPNOTE 4.5.3).
                var z = 0;
                if (length == ZipConstants.Zip64Saturated32 && z + 8 <= data.Length) { length = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[z..]); z += 8; }
                if (compressed == ZipConstants.Zip64Saturated32 && z + 8 <= data.Length) { compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[z..]); z += 8; }
                if (offset == ZipConstants.Zip64Saturated32 && z + 8 <= data.Length) { offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[z..]); }
            }
            else if (id == ExtendedTimestampId && data.Length >= 5 && (data[0] & ZipConstants.ExtendedTimestampModificationTime) != 0)
            {
                time = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt32LittleEndian(data[1..]));
            }

            at += 4 + data.Length;
        }

        var flags = U16(CentralDirectoryHeader.FieldLocations.GeneralPurposeBitFlag);
        var utf8 = (flags & ZipConstants.FlagUtf8) != 0;
        var name = utf8 ? System.Text.Encoding.UTF8.GetString(nameBytes) : Cp437.GetString(nameBytes);
        var madeByUnix = U16(CentralDirectoryHeader.FieldLocations.VersionMadeBy) >> 8 == 3;
        var attributes = U32(CentralDirectoryHeader.FieldLocations.ExternalFileAttributes);
        var fileType = madeByUnix ? (int)(attributes >> 16) & 0xF000 : 0;
        var kind = name.EndsWith('/') || fileType == ZipConstants.UnixDirectory || (attributes & ZipConstants.MsDosDirectoryAttribute) != 0 ? EntryKind.Directory
            : fileType == ZipConstants.UnixSymbolicLink ? EntryKind.SymbolicLink
            : EntryKind.File;
        var dos = new DosDateTime(U16(CentralDirectoryHeader.FieldLocations.LastModFileTime), U16(CentralDirectoryHeader.FieldLocations.LastModFileDate));
        return new ZipSourceEntry
        {
            Name = kind == EntryKind.Directory ? name.TrimEnd('/') : name,
            Kind = kind,
            MethodId = U16(CentralDirectoryHeader.FieldLocations.CompressionMethod),
            Flags = flags,
            Crc32 = U32(CentralDirectoryHeader.FieldLocations.Crc32),
            CompressedLength = compressed,
            Length = length,
            LastModified = time ?? dos.ToDateTimeOffset(),
            Mode = madeByUnix && (attributes >> 16 & 0xFFF) != 0 ? (UnixFileMode)(attributes >> 16 & 0xFFF) : null,
            Comment = commentLength == 0 ? null : utf8 ? System.Text.Encoding.UTF8.GetString(commentBytes) : Cp437.GetString(commentBytes),
            LocalHeaderOffset = offset,
        };
    }

    internal static async ValueTask<byte[]> ReadAtAsync(Stream stream, long offset, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        stream.Position = offset;
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer;
    }
}
