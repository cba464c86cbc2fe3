using Formats.Streaming;
using Formats.Tar.Records;

namespace Formats.Tar;

/// <summary>
/// An entry's headers, decided before they are written: the ustar block, and a pax 'x' header before it only for what
/// ustar cannot hold (docs/format-decisions.md, "TAR"). Pure: the same entry always gives the same bytes.
/// </summary>
internal sealed partial class TarEntryLayout
{
    private TarEntryLayout(UstarHeader header, byte[]? paxRecords, UstarHeader paxHeader, byte[]? sparseMap)
    {
        Header = header;
        PaxRecords = paxRecords;
        PaxHeader = paxHeader;
        SparseMap = sparseMap;
    }

    public UstarHeader Header { get; }

    /// <summary>The pax records, or null when ustar holds everything.</summary>
    public byte[]? PaxRecords { get; }

    /// <summary>The ustar block that introduces the pax records (unused without them).</summary>
    public UstarHeader PaxHeader { get; }

    /// <summary>
    /// A GNU sparse 1.0 member's map, padded to whole blocks: the first part of the member's data, written with the
    /// headers (the entry's content is then its data regions alone); null for every other entry.
    /// </summary>
    public byte[]? SparseMap { get; }

    /// <summary>Bytes of header before the entry's content: [pax block + padded records] + ustar block [+ sparse map].</summary>
    public int HeaderLength => (PaxRecords is null ? 0 : TarConstants.BlockSize + (int)TarConstants.PaddedLength(PaxRecords.Length)) + TarConstants.BlockSize + (SparseMap?.Length ?? 0);

    /// <summary>The layout of <paramref name="entry"/>, whose content (for a sparse file: its data regions) is <paramref name="length"/> bytes.</summary>
    public static TarEntryLayout Plan(PreparedEntry entry, long length)
    {
        var pax = new PaxExtendedHeader();
        byte[] path = entry.Kind == EntryKind.Directory ? [.. entry.NameUtf8, (byte)'/'] : entry.NameUtf8;
        var memberPath = path;
        byte[]? sparseMap = null;
        if (entry.Sparse is { } sparse)
        {
            // GNU sparse 1.0 (docs/format-decisions.md, "Sparse files"): the real name and size in pax, the map in the data.
            pax.Add("GNU.sparse.major", TarConstants.GnuSparseMajor);
            pax.Add("GNU.sparse.minor", TarConstants.GnuSparseMinor);
            pax.Add("GNU.sparse.name", path);
            pax.Add("GNU.sparse.realsize", sparse.RealSize);
            memberPath = SparseMemberPath(path);
            sparseMap = SparseMapBlocks(sparse);
        }

        var memberLength = (sparseMap?.Length ?? 0) + length;
        var (name, prefix) = PathFields(memberPath, pax);
        var linkName = LinkNameField(entry.LinkTarget, pax);
        AddNumbersUstarCannotHold(entry, memberLength, pax);
        if (entry.Comment is { } comment)
        {
            // pax 'comment' (POSIX pax, "comment"): ignored by readers, kept by libarchive and Python.
            pax.AddText(entry.Name, "comment", comment);
        }

        var header = new UstarHeader
        {
            Name = name,
            Mode = (long)entry.Mode,
            // A number ustar cannot hold is in the pax header; the ustar field gets the nearest value it holds (as GNU
            // tar writes it), except the size, which stays exact in base-256 so that readers without pax can skip the data.
            Uid = Math.Min(entry.UserId, TarNumber.MaxOctal(UstarHeader.FieldLengths.Uid)),
            Gid = Math.Min(entry.GroupId, TarNumber.MaxOctal(UstarHeader.FieldLengths.Gid)),
            Size = memberLength,
            Mtime = Math.Clamp(entry.LastModified.ToUnixTimeSeconds(), 0, TarNumber.MaxOctal(UstarHeader.FieldLengths.Mtime)),
            TypeFlag = entry.Kind switch
            {
                EntryKind.Directory => TarConstants.TypeDirectory,
                EntryKind.SymbolicLink => TarConstants.TypeSymbolicLink,
                EntryKind.HardLink => TarConstants.TypeHardLink,
                EntryKind.CharacterDevice => TarConstants.TypeCharacterDevice,
                EntryKind.BlockDevice => TarConstants.TypeBlockDevice,
                EntryKind.Fifo => TarConstants.TypeFifo,
                EntryKind.File => TarConstants.TypeRegularFile,
                _ => throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"tar has no type for a {entry.Kind}"),
            },
            LinkName = linkName,
            Uname = OwnerName(pax, "uname", entry.UserName, UstarHeader.FieldLengths.Uname),
            Gname = OwnerName(pax, "gname", entry.GroupName, UstarHeader.FieldLengths.Gname),
            DevMajor = DeviceNumber(entry, "devmajor", entry.DeviceMajor),
            DevMinor = DeviceNumber(entry, "devminor", entry.DeviceMinor),
            Prefix = prefix,
        };

        if (pax.IsEmpty)
        {
            return new TarEntryLayout(header, null, default, sparseMap);
        }

        if (!prefix.IsEmpty && !pax.Contains("path"))
        {
            // A header that needs pax anyway also carries the whole path: System.Formats.Tar ignores the ustar prefix
            // of an entry that has a pax header.
            pax.Add("path", memberPath);
        }

        var records = pax.ToBytes();
        var paxHeader = new UstarHeader
        {
            Name = PaxBlockName(path),
            Mode = TarConstants.PaxHeaderMode,
            Size = records.Length,
            Mtime = header.Mtime,
            TypeFlag = TarConstants.TypePaxExtendedHeader,
        };
        return new TarEntryLayout(header, records, paxHeader, sparseMap);
    }

    /// <summary>
    /// A device number in its ustar field. Larger than 7 octal digits it would need a pax key, and the only ones in use
    /// are star's SCHILY.devmajor and SCHILY.devminor, which libarchive reads and GNU tar does not; Linux numbers fit
    /// (12-bit majors, 20-bit minors), so a larger one is refused rather than written for one reader.
    /// </summary>
    private static long? DeviceNumber(PreparedEntry entry, string field, int? value)
    {
        var max = TarNumber.MaxOctal(UstarHeader.FieldLengths.DevMajor);
        return value is { } v && v > max
            ? throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"{field} is {v}; ustar's {field} field holds at most {max} (7 octal digits), and GNU tar reads no pax key for more")
            : value;
    }

    /// <summary>
    /// The block an aborted archive ends with (<see cref="TarArchiveWriter"/>): a valid pax header block whose one
    /// block of records is missing. Its name says what happened to whoever lists what arrived.
    /// </summary>
    public static byte[] IncompleteMarker()
    {
        var block = new byte[TarConstants.BlockSize];
        new UstarHeader
        {
            Name = "PaxHeaders/formats-archive-incomplete-the-writer-failed"u8.ToArray(),
            Mode = TarConstants.PaxHeaderMode,
            Size = TarConstants.BlockSize,
            TypeFlag = TarConstants.TypePaxExtendedHeader,
        }.Write(block);
        return block;
    }

    /// <summary>Writes the headers; returns their length, <see cref="HeaderLength"/>.</summary>
    public int Write(Span<byte> destination)
    {
        var at = 0;
        if (PaxRecords is not null)
        {
            PaxHeader.Write(destination);
            at += TarConstants.BlockSize;
            var padded = (int)TarConstants.PaddedLength(PaxRecords.Length);
            PaxRecords.CopyTo(destination[at..]);
            destination.Slice(at + PaxRecords.Length, padded - PaxRecords.Length).Clear();
            at += padded;
        }

        Header.Write(destination[at..]);
        at += TarConstants.BlockSize;
        if (SparseMap is not null)
        {
            SparseMap.CopyTo(destination[at..]);
            at += SparseMap.Length;
        }

        return at;
    }
}
