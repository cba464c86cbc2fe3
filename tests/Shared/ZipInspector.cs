using System.Buffers.Binary;
using System.Text;
using Formats.Zip.Records;

namespace Formats.Testing;

/// <summary>One entry as the inspector found it, local and central views side by side.</summary>
internal sealed record InspectedEntry(
    string Name,
    CentralDirectoryHeader Central,
    IReadOnlyDictionary<ushort, byte[]> CentralExtras,
    LocalFileHeader Local,
    IReadOnlyDictionary<ushort, byte[]> LocalExtras,
    long LocalHeaderOffset,
    long DataOffset,
    long CompressedSize,
    long UncompressedSize,
    int DescriptorLength,
    ulong DescriptorCompressedSize,
    ulong DescriptorUncompressedSize,
    uint DescriptorCrc32,
    byte[] Comment);

/// <summary>A whole archive as the inspector found it.</summary>
internal sealed record InspectedArchive(
    IReadOnlyList<InspectedEntry> Entries,
    EndOfCentralDirectoryRecord End,
    Zip64EndOfCentralDirectoryRecord? Zip64End,
    long CentralDirectoryOffset,
    long CentralDirectorySize,
    byte[] Comment);

/// <summary>
/// A strict structural reader for tests, built on the generated record readers: it walks the end records, the central
/// directory, each local header and each data descriptor, and fails on anything that disagrees (descriptor width vs the
/// local zip64 extra, local vs central names, flags, methods and CRCs).
/// </summary>
internal static class ZipInspector
{
    public static InspectedArchive Inspect(byte[] zip)
    {
        // The end record is the last signature whose comment length reaches exactly to the end (an archive comment may follow it).
        var endAt = zip.Length - EndOfCentralDirectoryRecord.FixedLength;
        while (endAt > 0 && !(BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(endAt)) == EndOfCentralDirectoryRecord.Signature
            && endAt + EndOfCentralDirectoryRecord.FixedLength + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(endAt + EndOfCentralDirectoryRecord.FieldLocations.CommentLength)) == zip.Length))
        {
            endAt--;
        }

        var end = EndOfCentralDirectoryRecord.Read(zip.AsSpan(endAt));
        var archiveComment = zip.AsSpan(endAt + EndOfCentralDirectoryRecord.FixedLength).ToArray();
        Zip64EndOfCentralDirectoryRecord? zip64End = null;
        long count = end.TotalEntries, cdSize = end.SizeOfCentralDirectory, cdOffset = end.OffsetOfCentralDirectory;
        var locatorAt = endAt - Zip64EndOfCentralDirectoryLocator.FixedLength;
        if (locatorAt >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(locatorAt)) == Zip64EndOfCentralDirectoryLocator.Signature)
        {
            var locator = Zip64EndOfCentralDirectoryLocator.Read(zip.AsSpan(locatorAt));
            Check((long)locator.OffsetOfZip64EndOfCentralDirectory == locatorAt - Zip64EndOfCentralDirectoryRecord.FixedLength, "zip64 end record sits right before the locator");
            Check(locator.TotalNumberOfDisks == 1, "one disk");
            var z = Zip64EndOfCentralDirectoryRecord.Read(zip.AsSpan((int)locator.OffsetOfZip64EndOfCentralDirectory));
            zip64End = z;
            Check(end.TotalEntries == 0xFFFF || end.TotalEntries == (long)z.TotalEntries, "end record count agrees with zip64 end");
            count = (long)z.TotalEntries;
            cdSize = (long)z.SizeOfCentralDirectory;
            cdOffset = (long)z.OffsetOfCentralDirectory;
        }

        Check(cdOffset + cdSize == (zip64End is null ? endAt : locatorAt - Zip64EndOfCentralDirectoryRecord.FixedLength), "central directory ends where the end records start");
        var entries = new List<InspectedEntry>();
        var at = (int)cdOffset;
        for (var i = 0; i < count; i++)
        {
            var central = CentralDirectoryHeader.Read(zip.AsSpan(at));
            var name = zip.AsSpan(at + CentralDirectoryHeader.FixedLength, central.FileNameLength).ToArray();
            var extras = ParseExtras(zip.AsSpan(at + CentralDirectoryHeader.FixedLength + central.FileNameLength, central.ExtraFieldLength));
            var comment = zip.AsSpan(at + CentralDirectoryHeader.FixedLength + central.FileNameLength + central.ExtraFieldLength, central.FileCommentLength).ToArray();
            at += CentralDirectoryHeader.FixedLength + central.FileNameLength + central.ExtraFieldLength + central.FileCommentLength;

            long usize = central.UncompressedSize, csize = central.CompressedSize, offset = central.RelativeOffsetOfLocalHeader;
            if (extras.TryGetValue(0x0001, out var z64))
            {
                var p = 0;
                if (central.UncompressedSize == 0xFFFFFFFF) { usize = (long)BinaryPrimitives.ReadUInt64LittleEndian(z64.AsSpan(p)); p += 8; }
                if (central.CompressedSize == 0xFFFFFFFF) { csize = (long)BinaryPrimitives.ReadUInt64LittleEndian(z64.AsSpan(p)); p += 8; }
                if (central.RelativeOffsetOfLocalHeader == 0xFFFFFFFF) { offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(z64.AsSpan(p)); p += 8; }
                Check(p == z64.Length, "central zip64 extra holds exactly the saturated fields");
            }

            var local = LocalFileHeader.Read(zip.AsSpan((int)offset));
            var localName = zip.AsSpan((int)offset + LocalFileHeader.FixedLength, local.FileNameLength).ToArray();
            Check(localName.AsSpan().SequenceEqual(name), "local and central names are the same bytes");
            Check(local.GeneralPurposeBitFlag == central.GeneralPurposeBitFlag, "local and central flags agree");
            Check(local.CompressionMethod == central.CompressionMethod, "local and central methods agree");
            var localExtras = ParseExtras(zip.AsSpan((int)offset + LocalFileHeader.FixedLength + local.FileNameLength, local.ExtraFieldLength));
            var dataOffset = offset + LocalFileHeader.FixedLength + local.FileNameLength + local.ExtraFieldLength;
            var hasDescriptor = (local.GeneralPurposeBitFlag & 8) != 0;
            var descriptorLength = 0;
            ulong dc = 0, du = 0;
            uint dcrc = 0;
            if (hasDescriptor)
            {
                Check(local.Crc32 == 0 && (local.CompressedSize is 0 or 0xFFFFFFFF), "bit 3 entries have zeros in the local header");
                var d = (int)(dataOffset + csize);
                if (localExtras.ContainsKey(0x0001))
                {
                    var dd = DataDescriptor64.Read(zip.AsSpan(d));
                    (descriptorLength, dc, du, dcrc) = (DataDescriptor64.FixedLength, dd.CompressedSize, dd.UncompressedSize, dd.Crc32);
                }
                else
                {
                    var dd = DataDescriptor.Read(zip.AsSpan(d));
                    (descriptorLength, dc, du, dcrc) = (DataDescriptor.FixedLength, dd.CompressedSize, dd.UncompressedSize, dd.Crc32);
                }

                Check((long)dc == csize && (long)du == usize && dcrc == central.Crc32, "descriptor agrees with the central directory");
            }
            else
            {
                Check(local.Crc32 == central.Crc32, "local CRC agrees with central");
                if (localExtras.TryGetValue(0x0001, out var lz))
                {
                    Check(local.UncompressedSize == 0xFFFFFFFF && (long)BinaryPrimitives.ReadUInt64LittleEndian(lz) == usize, "local zip64 size agrees");
                    Check(local.CompressedSize == 0xFFFFFFFF && (long)BinaryPrimitives.ReadUInt64LittleEndian(lz.AsSpan(8)) == csize, "local zip64 compressed size agrees");
                }
                else
                {
                    Check(local.UncompressedSize == usize && local.CompressedSize == csize, "local sizes agree");
                }
            }

            entries.Add(new InspectedEntry(Encoding.UTF8.GetString(name), central, extras, local, localExtras, offset, dataOffset, csize, usize, descriptorLength, dc, du, dcrc, comment));
        }

        Check(at == cdOffset + cdSize, "central directory size agrees with its records");
        return new InspectedArchive(entries, end, zip64End, cdOffset, cdSize, archiveComment);
    }

    public static Dictionary<ushort, byte[]> ParseExtras(ReadOnlySpan<byte> extra)
    {
        var result = new Dictionary<ushort, byte[]>();
        while (!extra.IsEmpty)
        {
            var header = ExtraFieldHeader.Read(extra);
            Check(result.TryAdd(header.HeaderId, extra.Slice(ExtraFieldHeader.FixedLength, header.DataSize).ToArray()), $"extra 0x{header.HeaderId:X4} appears once");
            extra = extra[(ExtraFieldHeader.FixedLength + header.DataSize)..];
        }

        return result;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidDataException("zip structure: expected " + what);
        }
    }
}
