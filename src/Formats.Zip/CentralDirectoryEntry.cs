using Formats.Zip.Encryption;
using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// What the central directory needs of an entry, kept from its local header until the archive is completed: 64 bytes
/// besides the name's own array (checked by a test), because an archive may hold millions of them. Owner ids, which
/// only some entries have, and comments and Unicode Path extra fields, which few have, are kept apart (<see cref="CentralDirectoryRecords"/>) and given
/// to the writer.
/// </summary>
internal readonly record struct CentralDirectoryEntry(
    byte[] NameBytes,
    long LocalHeaderOffset,
    long CompressedSize,
    long UncompressedSize,
    ZipTimestamp Time,
    uint Crc32,
    uint ExternalAttributes,
    ushort Method,
    ushort Flags,
    ushort VersionNeeded,
    ZipEncryptionMethod Encryption = ZipEncryptionMethod.None)
{
    /// <summary>Which 32-bit fields are saturated into the central zip64 extra (uncompressed, compressed, offset).</summary>
    private (bool Uncompressed, bool Compressed, bool Offset) Zip64Fields(bool always) =>
        Zip64Rules.InCentralHeader(always, UncompressedSize, CompressedSize, LocalHeaderOffset);

    public int Length(bool alwaysZip64, UnixOwner owner, byte[]? comment = null, byte[]? unicodePath = null) =>
        CentralDirectoryHeader.FixedLength + NameBytes.Length + Zip64ExtraLength(alwaysZip64) + Time.ExtraLength + owner.ExtraLength + (unicodePath?.Length ?? 0) + EncryptionFields.ExtraLength(Encryption) + (comment?.Length ?? 0);

    private int Zip64ExtraLength(bool always)
    {
        var zip64 = Zip64Extra(always);
        return zip64.Length == Zip64ExtraFieldCentral.FixedLength ? 0 : zip64.Length;
    }

    /// <summary>The central zip64 extra: only the saturated fields, in APPNOTE 4.5.3's order (the generated writer keeps it).</summary>
    private Zip64ExtraFieldCentral Zip64Extra(bool always)
    {
        var (u, c, o) = Zip64Fields(always);
        var extra = new Zip64ExtraFieldCentral
        {
            OriginalSize = u ? (ulong)UncompressedSize : null,
            CompressedSize = c ? (ulong)CompressedSize : null,
            RelativeHeaderOffset = o ? (ulong)LocalHeaderOffset : null,
        };
        extra.DataSize = (ushort)(extra.Length - Zip64ExtraFieldCentral.FixedLength);
        return extra;
    }

    /// <summary>Writes the central directory header with its name, extra fields and comment; returns its length.</summary>
    public int Write(Span<byte> destination, bool alwaysZip64, UnixOwner owner, byte[]? comment = null, byte[]? unicodePath = null)
    {
        var (u, c, o) = Zip64Fields(alwaysZip64);
        var zip64Length = Zip64ExtraLength(alwaysZip64);
        new CentralDirectoryHeader
        {
            VersionMadeBy = ZipConstants.VersionMadeBy,
            VersionNeededToExtract = zip64Length == 0 ? VersionNeeded : Math.Max(VersionNeeded, ZipConstants.VersionZip64),
            GeneralPurposeBitFlag = Flags,
            CompressionMethod = EncryptionFields.HeaderMethod(Encryption, Method),
            LastModFileTime = Time.Dos.Time,
            LastModFileDate = Time.Dos.Date,
            Crc32 = Crc32,
            CompressedSize = c ? ZipConstants.Zip64Saturated32 : (uint)CompressedSize,
            UncompressedSize = u ? ZipConstants.Zip64Saturated32 : (uint)UncompressedSize,
            FileNameLength = (ushort)NameBytes.Length,
            ExtraFieldLength = (ushort)(zip64Length + Time.ExtraLength + owner.ExtraLength + (unicodePath?.Length ?? 0) + EncryptionFields.ExtraLength(Encryption)),
            FileCommentLength = (ushort)(comment?.Length ?? 0),
            DiskNumberStart = 0,
            InternalFileAttributes = 0,
            ExternalFileAttributes = ExternalAttributes,
            RelativeOffsetOfLocalHeader = o ? ZipConstants.Zip64Saturated32 : (uint)LocalHeaderOffset,
        }.Write(destination);
        var at = CentralDirectoryHeader.FixedLength;
        NameBytes.CopyTo(destination[at..]);
        at += NameBytes.Length;
        if (zip64Length != 0)
        {
            at += Zip64Extra(alwaysZip64).Write(destination[at..]);
        }

        at += Time.WriteExtra(destination[at..]);
        at += owner.WriteExtra(destination[at..]);
        unicodePath?.CopyTo(destination[at..]);
        at += unicodePath?.Length ?? 0;
        at += EncryptionFields.WriteExtra(destination[at..], Encryption, Method);
        comment?.CopyTo(destination[at..]);
        return at + (comment?.Length ?? 0);
    }
}
