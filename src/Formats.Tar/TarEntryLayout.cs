using System.Text;
using Formats.Streaming;
using Formats.Tar.Records;

namespace Formats.Tar;

/// <summary>
/// An entry's headers, decided before they are written: the ustar block, and a pax 'x' header before it only for what
/// ustar cannot hold (docs/format-decisions.md, "TAR"). Pure: the same entry always gives the same bytes.
/// </summary>
internal sealed class TarEntryLayout
{
    private TarEntryLayout(UstarHeader header, byte[]? paxRecords, UstarHeader paxHeader)
    {
        Header = header;
        PaxRecords = paxRecords;
        PaxHeader = paxHeader;
    }

    public UstarHeader Header { get; }

    /// <summary>The pax records, or null when ustar holds everything.</summary>
    public byte[]? PaxRecords { get; }

    /// <summary>The ustar block that introduces the pax records (unused without them).</summary>
    public UstarHeader PaxHeader { get; }

    /// <summary>Bytes of header before the entry's content: [pax block + padded records] + ustar block.</summary>
    public int HeaderLength => (PaxRecords is null ? 0 : TarConstants.BlockSize + (int)TarConstants.PaddedLength(PaxRecords.Length)) + TarConstants.BlockSize;

    public static TarEntryLayout Plan(PreparedEntry entry, long length)
    {
        var pax = new PaxExtendedHeader();
        byte[] path = entry.Kind == EntryKind.Directory ? [.. entry.NameUtf8, (byte)'/'] : entry.NameUtf8;
        var (name, prefix) = PathFields(path, pax);
        var linkName = LinkNameField(entry.LinkTarget, pax);
        AddNumbersUstarCannotHold(entry, length, pax);
        if (entry.Comment is { } comment)
        {
            // pax 'comment' (POSIX pax, "comment"): ignored by readers, kept by libarchive and Python.
            pax.Add("comment", comment);
        }

        var header = new UstarHeader
        {
            Name = name,
            Mode = (long)entry.Mode,
            // A number ustar cannot hold is in the pax header; the ustar field gets the nearest value it holds (as GNU
            // tar writes it), except the size, which stays exact in base-256 so that readers without pax can skip the data.
            Uid = Math.Min(entry.UserId, TarNumber.MaxOctal(UstarHeader.FieldLengths.Uid)),
            Gid = Math.Min(entry.GroupId, TarNumber.MaxOctal(UstarHeader.FieldLengths.Gid)),
            Size = length,
            Mtime = Math.Clamp(entry.LastModified.ToUnixTimeSeconds(), 0, TarNumber.MaxOctal(UstarHeader.FieldLengths.Mtime)),
            TypeFlag = entry.Kind switch
            {
                EntryKind.Directory => TarConstants.TypeDirectory,
                EntryKind.SymbolicLink => TarConstants.TypeSymbolicLink,
                EntryKind.HardLink => TarConstants.TypeHardLink,
                _ => TarConstants.TypeRegularFile,
            },
            LinkName = linkName,
            Uname = OwnerName(pax, "uname", entry.UserName, UstarHeader.FieldLengths.Uname),
            Gname = OwnerName(pax, "gname", entry.GroupName, UstarHeader.FieldLengths.Gname),
            Prefix = prefix,
        };

        if (pax.IsEmpty)
        {
            return new TarEntryLayout(header, null, default);
        }

        if (!prefix.IsEmpty && !pax.Contains("path"))
        {
            // A header that needs pax anyway also carries the whole path: System.Formats.Tar ignores the ustar prefix
            // of an entry that has a pax header.
            pax.Add("path", path);
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
        return new TarEntryLayout(header, records, paxHeader);
    }

    /// <summary>The ustar name and prefix of <paramref name="path"/>; the whole path in pax when they cannot hold it, or it is not ASCII.</summary>
    private static (ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Prefix) PathFields(byte[] path, PaxExtendedHeader pax)
    {
        var split = Split(path);
        if (split is null || !Ascii.IsValid(path))
        {
            pax.Add("path", path);
        }

        return split ?? (Truncate(path, UstarHeader.FieldLengths.Name), ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>The ustar linkname of a link's target; the whole target in pax when it is too long or not ASCII.</summary>
    private static ReadOnlyMemory<byte> LinkNameField(string? target, PaxExtendedHeader pax)
    {
        if (target is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var bytes = Encoding.UTF8.GetBytes(target);
        if (bytes.Length > UstarHeader.FieldLengths.LinkName || !Ascii.IsValid(bytes))
        {
            pax.Add("linkpath", bytes);
        }

        return Truncate(bytes, UstarHeader.FieldLengths.LinkName);
    }

    /// <summary>Size, mtime (also when not a whole second), uid and gid in pax when their octal fields cannot hold them.</summary>
    private static void AddNumbersUstarCannotHold(PreparedEntry entry, long length, PaxExtendedHeader pax)
    {
        if (!TarNumber.FitsOctal(length, UstarHeader.FieldLengths.Size))
        {
            pax.Add("size", length);
        }

        var seconds = entry.LastModified.ToUnixTimeSeconds();
        var whole = (entry.LastModified.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % TimeSpan.TicksPerSecond == 0;
        if (!whole || !TarNumber.FitsOctal(seconds, UstarHeader.FieldLengths.Mtime))
        {
            pax.Add("mtime", PaxExtendedHeader.FormatTime(entry.LastModified));
        }

        if (!TarNumber.FitsOctal(entry.UserId, UstarHeader.FieldLengths.Uid))
        {
            pax.Add("uid", entry.UserId);
        }

        if (!TarNumber.FitsOctal(entry.GroupId, UstarHeader.FieldLengths.Gid))
        {
            pax.Add("gid", entry.GroupId);
        }
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
        return at + TarConstants.BlockSize;
    }

    /// <summary>
    /// Splits a path into ustar's prefix and name at a '/', so that name ≤ 100 and prefix ≤ 155 bytes and neither is
    /// empty; a path of up to 100 bytes needs no prefix. Null when no split works.
    /// </summary>
    internal static (ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Prefix)? Split(byte[] path)
    {
        if (path.Length <= UstarHeader.FieldLengths.Name)
        {
            return (path, ReadOnlyMemory<byte>.Empty);
        }

        // The first '/' that leaves a name short enough gives the shortest prefix.
        for (var i = 1; i < path.Length - 1; i++)
        {
            if (path[i] == '/' && path.Length - i - 1 <= UstarHeader.FieldLengths.Name)
            {
                return i <= UstarHeader.FieldLengths.Prefix ? (path.AsMemory(i + 1), path.AsMemory(0, i)) : null;
            }
        }

        return null;
    }

    private static ReadOnlyMemory<byte> OwnerName(PaxExtendedHeader pax, string key, string name, int fieldLength)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > fieldLength || !Ascii.IsValid(bytes))
        {
            pax.Add(key, bytes);
        }

        return Truncate(bytes, fieldLength);
    }

    /// <summary>At most <paramref name="max"/> bytes, cut before a UTF-8 continuation byte so no character is split.</summary>
    private static ReadOnlyMemory<byte> Truncate(byte[] bytes, int max)
    {
        if (bytes.Length <= max)
        {
            return bytes;
        }

        var cut = max;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return bytes.AsMemory(0, cut);
    }

    /// <summary>The pax header block's own name: "dir/PaxHeaders/file", ASCII (others become '_'), at most 100 bytes.</summary>
    private static byte[] PaxBlockName(byte[] path)
    {
        var text = Encoding.UTF8.GetString(path).TrimEnd('/');
        var slash = text.LastIndexOf('/');
        var name = slash < 0 ? $"PaxHeaders/{text}" : $"{text[..slash]}/PaxHeaders/{text[(slash + 1)..]}";
        var ascii = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            ascii.Append(c < 128 ? c : '_');
        }

        var bytes = Encoding.ASCII.GetBytes(ascii.ToString());
        return bytes.Length <= UstarHeader.FieldLengths.Name ? bytes : bytes[..UstarHeader.FieldLengths.Name];
    }
}
