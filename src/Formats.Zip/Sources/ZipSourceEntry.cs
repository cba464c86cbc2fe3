namespace Formats.Zip.Sources;

/// <summary>A member of a <see cref="ZipSourceArchive"/>, as its central directory header describes it.</summary>
public sealed class ZipSourceEntry
{
    internal ZipSourceEntry()
    {
    }

    /// <summary>The name (UTF-8 when the member's flag says so, else read as Latin-1), without a directory's trailing '/'.</summary>
    public string Name { get; internal init; } = "";

    /// <summary>File, directory or symbolic link (from the Unix mode, or a trailing '/').</summary>
    public EntryKind Kind { get; internal init; }

    /// <summary>The compression method number (APPNOTE 4.4.5): 0 stored, 8 deflate and 93 zstd can be copied.</summary>
    public ushort MethodId { get; internal init; }

    /// <summary>The general purpose bit flag; bit 0: encrypted.</summary>
    public ushort Flags { get; internal init; }

    /// <summary>True when the member is encrypted (flag bit 0): it cannot be copied.</summary>
    public bool IsEncrypted => (Flags & 1) != 0;

    /// <summary>CRC-32 of the plain content.</summary>
    public uint Crc32 { get; internal init; }

    /// <summary>Compressed size (from the zip64 extra when saturated).</summary>
    public long CompressedLength { get; internal init; }

    /// <summary>Plain size.</summary>
    public long Length { get; internal init; }

    /// <summary>Modification time: the extended timestamp's, else the DOS time read as UTC.</summary>
    public DateTimeOffset LastModified { get; internal init; }

    /// <summary>Unix permission bits when the member was made on Unix; else null.</summary>
    public UnixFileMode? Mode { get; internal init; }

    /// <summary>The member's comment, or null.</summary>
    public string? Comment { get; internal init; }

    internal long LocalHeaderOffset { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} '{Name}'";
}

/// <summary>A copied member's compressed data, found from its local header when opened (its extra field may differ from the central one).</summary>
internal sealed class ZipMemberDataSource(ZipSourceArchive archive, ZipSourceEntry entry) : EntrySource
{
    public override long? Length => entry.CompressedLength;

    public override DateTimeOffset? LastModified => entry.LastModified;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        var start = await DataStartAsync(archive, entry, cancellationToken).ConfigureAwait(false);
        archive.Stream.Position = start + offset;
        return new SliceStream(archive.Stream, entry.CompressedLength - offset, leaveOpen: true);
    }

    /// <summary>Where the member's data starts: after its local header's name and extra field (APPNOTE 4.3.7).</summary>
    public static async ValueTask<long> DataStartAsync(ZipSourceArchive archive, ZipSourceEntry entry, CancellationToken cancellationToken)
    {
        var header = await ZipSourceArchive.ReadAtAsync(archive.Stream, entry.LocalHeaderOffset, Records.LocalFileHeader.FixedLength, cancellationToken).ConfigureAwait(false);
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header) != Records.LocalFileHeader.Signature)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"source zip has no local header at offset {entry.LocalHeaderOffset}");
        }

        var nameLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(Records.LocalFileHeader.FieldLocations.FileNameLength));
        var extraLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(Records.LocalFileHeader.FieldLocations.ExtraFieldLength));
        return entry.LocalHeaderOffset + Records.LocalFileHeader.FixedLength + nameLength + extraLength;
    }
}
