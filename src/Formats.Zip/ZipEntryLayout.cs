using Formats.Streaming;
using Formats.Zip.Encoding;
using Formats.Zip.Encryption;
using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// Everything decided about an entry before its local header is written: method, form (sizes in the header or in a
/// data descriptor), zip64, versions, flags, name bytes and lengths. Pure: the same entry, options and offset always
/// give the same layout. The rules and their reasons are in docs/format-decisions.md.
/// </summary>
internal readonly record struct ZipEntryLayout
{
    public required byte[] NameBytes { get; init; }

    public required ushort Method { get; init; }

    public required ushort Flags { get; init; }

    public required ushort VersionNeeded { get; init; }

    /// <summary>True when CRC and sizes follow the data in a descriptor (flag bit 3).</summary>
    public required bool HasDescriptor { get; init; }

    /// <summary>True when the local header carries the zip64 extra: then a descriptor, if any, is the 24-byte form.</summary>
    public required bool LocalZip64 { get; init; }

    /// <summary>CRC-32 written in the local header (0 with a descriptor).</summary>
    public required uint HeaderCrc32 { get; init; }

    /// <summary>Content length written in the local header (0 with a descriptor).</summary>
    public required long HeaderLength { get; init; }

    /// <summary>
    /// Compressed size written in the local header (0 with a descriptor): the content length for stored entries, the
    /// declared one for raw ones, plus what encryption adds.
    /// </summary>
    public required long HeaderCompressedLength { get; init; }

    public required ZipTimestamp Time { get; init; }

    public required uint ExternalAttributes { get; init; }

    public required UnixOwner Owner { get; init; }

    /// <summary>How the content is encrypted (never directories and symbolic links).</summary>
    public ZipEncryptionMethod Encryption { get; init; }

    /// <summary>The entry's comment in UTF-8 (central directory only), or null.</summary>
    public required byte[]? Comment { get; init; }

    /// <summary>The Info-ZIP Unicode Path extra field, whole, in both headers of an entry with a legacy name; or null.</summary>
    public byte[]? UnicodePath { get; init; }

    public int LocalExtraLength => (LocalZip64 ? Zip64ExtraFieldLocal.FixedLength : 0) + Time.ExtraLength + Owner.ExtraLength + (UnicodePath?.Length ?? 0) + EncryptionFields.ExtraLength(Encryption);

    public int LocalHeaderLength => LocalFileHeader.FixedLength + NameBytes.Length + LocalExtraLength;

    public int DescriptorLength => !HasDescriptor ? 0 : LocalZip64 ? DataDescriptor64.FixedLength : DataDescriptor.FixedLength;

    /// <summary>
    /// Plans <paramref name="entry"/> for a local header at <paramref name="offset"/>. <paramref name="length"/> and
    /// <paramref name="contentCrc"/> are the content's length and CRC-32 when known now (declared, or computed from a
    /// link's target); <paramref name="chosen"/> is the method for this entry's content (never
    /// <see cref="ZipCompressionMethod.Auto"/>: that is decided first). <paramref name="rawCompressedLength"/> is given
    /// for content compressed already (<see cref="ZipRawContent"/>): its method holds even for empty content, and its
    /// sizes go in the local header. Throws <see cref="ArchiveException"/> for what zip cannot hold under the options.
    /// </summary>
    public static ZipEntryLayout Plan(PreparedEntry entry, long? length, uint? contentCrc, long offset, ZipWriterOptions options, ZipCompressionMethod chosen, long? rawCompressedLength = null)
    {
        var utf8Name = entry.Kind == EntryKind.Directory ? [.. entry.NameUtf8, (byte)'/'] : entry.NameUtf8;
        if (utf8Name.Length > ZipConstants.MaxNameLength)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"name is {utf8Name.Length} bytes in UTF-8; a zip header holds at most {ZipConstants.MaxNameLength}");
        }

        var nameBytes = entry.LegacyName is { } legacy ? LegacyNames.NameField(entry, legacy) : utf8Name;

        var raw = rawCompressedLength is not null;
        var method = entry.Kind != EntryKind.File || (length == 0 && !raw) ? ZipConstants.MethodStored : ZipMethods.For(chosen).Id;

        // Sizes and CRC go in the local header only when all three are known now; for compressed entries the
        // compressed size never is (APPNOTE 4.4.4 bit 3). Otherwise a descriptor follows the data. Raw content declares
        // both sizes, whatever its method. AE-2 records no CRC, so a stored AES member needs only its length.
        // Encryption adds a fixed amount to the compressed size.
        var encryption = entry.Kind == EntryKind.File && options.Encryption is { } e ? e.Method : ZipEncryptionMethod.None;
        var upFront = (method == ZipConstants.MethodStored || raw) && length is not null && (contentCrc is not null || encryption == ZipEncryptionMethod.Aes256);
        var compressedLength = (rawCompressedLength ?? length) + ZipCipher.Overhead(encryption);
        var localZip64 = Zip64Rules.InLocalHeader(entry.Name, options, upFront, method, length is { } plain ? Math.Max(plain, compressedLength!.Value) : null, offset);

        // A directory is stored, but readers want 2.0 for it (APPNOTE 4.4.3.2).
        var version = entry.Kind == EntryKind.Directory ? ZipConstants.VersionDeflateOrDirectory : ZipMethods.ForId(method)!.VersionNeeded;
        if (localZip64)
        {
            version = Math.Max(version, ZipConstants.VersionZip64);
        }

        version = Math.Max(version, EncryptionFields.VersionNeeded(encryption));

        // Bit 11 says the name and the comment are UTF-8 (APPNOTE appendix D): set when either is not ASCII.
        var comment = ZipComments.EntryComment(entry);
        var asciiComment = comment is null || System.Text.Ascii.IsValid(comment);
        if (entry.LegacyName is not null && !asciiComment)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, "a legacy name is written without the UTF-8 flag, which also marks the comment; the comment must be ASCII");
        }

        var ascii = (entry.LegacyName is not null || entry.IsAsciiName) && asciiComment;
        var flags = (ushort)((upFront ? 0 : ZipConstants.FlagDataDescriptor) | (ascii ? 0 : ZipConstants.FlagUtf8) | EncryptionFields.Flags(encryption));
        var fileType = entry.Kind switch
        {
            EntryKind.Directory => ZipConstants.UnixDirectory,
            EntryKind.SymbolicLink => ZipConstants.UnixSymbolicLink,
            _ => ZipConstants.UnixRegularFile,
        };
        var attributes = ((uint)(fileType | (int)entry.Mode) << 16) | (entry.Kind == EntryKind.Directory ? ZipConstants.MsDosDirectoryAttribute : 0);

        return new ZipEntryLayout
        {
            NameBytes = nameBytes,
            Method = method,
            Flags = flags,
            VersionNeeded = version,
            HasDescriptor = !upFront,
            LocalZip64 = localZip64,
            HeaderCrc32 = upFront ? EncryptionFields.RecordedCrc(encryption, contentCrc ?? 0) : 0,
            HeaderLength = upFront ? length!.Value : 0,
            HeaderCompressedLength = upFront ? compressedLength!.Value : 0,
            Time = ZipTimestamp.From(entry.LastModified),
            ExternalAttributes = attributes,
            Owner = UnixOwner.From(entry),
            Encryption = encryption,
            Comment = comment,
            UnicodePath = entry.LegacyName is null || entry.LegacyNameOnly ? null : LegacyNames.UnicodePathExtra(entry, nameBytes, utf8Name),
        };
    }

    /// <summary>Writes the local file header, name and extra fields; returns the bytes written (<see cref="LocalHeaderLength"/>).</summary>
    public int WriteLocalHeader(Span<byte> destination)
    {
        var saturate = LocalZip64;
        var size32 = saturate ? ZipConstants.Zip64Saturated32 : (uint)HeaderLength;
        var compressed32 = saturate ? ZipConstants.Zip64Saturated32 : (uint)HeaderCompressedLength;
        new LocalFileHeader
        {
            VersionNeededToExtract = VersionNeeded,
            GeneralPurposeBitFlag = Flags,
            CompressionMethod = EncryptionFields.HeaderMethod(Encryption, Method),
            LastModFileTime = Time.Dos.Time,
            LastModFileDate = Time.Dos.Date,
            Crc32 = HeaderCrc32,
            CompressedSize = compressed32,
            UncompressedSize = size32,
            FileNameLength = (ushort)NameBytes.Length,
            ExtraFieldLength = (ushort)LocalExtraLength,
        }.Write(destination);
        var at = LocalFileHeader.FixedLength;
        NameBytes.CopyTo(destination[at..]);
        at += NameBytes.Length;
        if (LocalZip64)
        {
            // With a descriptor both sizes are 0 here (APPNOTE 4.3.9.1); the real ones follow the data.
            new Zip64ExtraFieldLocal { OriginalSize = (ulong)HeaderLength, CompressedSize = (ulong)HeaderCompressedLength }.Write(destination[at..]);
            at += Zip64ExtraFieldLocal.FixedLength;
        }

        at += Time.WriteExtra(destination[at..]);
        at += Owner.WriteExtra(destination[at..]);
        UnicodePath?.CopyTo(destination[at..]);
        at += UnicodePath?.Length ?? 0;
        at += EncryptionFields.WriteExtra(destination[at..], Encryption, Method);
        return at;
    }
}
