using System.Text;

namespace Formats.Streaming;

/// <summary>An entry after the name policy and the defaults: what a format writes in its header.</summary>
internal sealed record PreparedEntry
{
    public required string Name { get; init; }

    /// <summary>The name's UTF-8 bytes (no trailing '/'; a format adds one for directories where it wants it).</summary>
    public required byte[] NameUtf8 { get; init; }

    public required EntryKind Kind { get; init; }

    /// <summary>The name in a legacy character set (<see cref="ArchiveEntry.LegacyName"/>, checked), or null.</summary>
    public byte[]? LegacyName { get; init; }

    /// <summary><see cref="ArchiveEntry.LegacyNameOnly"/>.</summary>
    public bool LegacyNameOnly { get; init; }

    /// <summary>
    /// Declared content length, or the source's own knowledge of it; null when only reading it will tell (for a sparse
    /// file, the bytes of its data regions: see <see cref="Sparse"/>). Always 0 for directories, links, devices and
    /// FIFOs: a format that stores a link's target as content (zip) writes it itself. For content the source delivers
    /// encoded already (<see cref="ArchiveEntryOptions.Encoded"/>), the encoded length: what flows.
    /// </summary>
    public required long? Length { get; init; }

    public required uint? Crc32 { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    /// <summary>True when <see cref="LastModified"/> is the writer's default: neither the entry nor its source gave a time.</summary>
    public bool TimeIsDefault { get; init; }

    /// <summary>Permission bits only.</summary>
    public required UnixFileMode Mode { get; init; }

    /// <summary>Normalised link target, for symbolic and hard links.</summary>
    public string? LinkTarget { get; init; }

    public int UserId { get; init; }

    /// <summary>True when the entry declares its owner's ids (<see cref="ArchiveEntry.UserId"/> or <see cref="ArchiveEntry.GroupId"/>).</summary>
    public bool HasOwner { get; init; }

    public int GroupId { get; init; }

    /// <summary>A character or block device's major number; null for every other kind.</summary>
    public int? DeviceMajor { get; init; }

    /// <summary>A character or block device's minor number; null for every other kind.</summary>
    public int? DeviceMinor { get; init; }

    /// <summary>
    /// The sparse map of a file whose source delivers only its data regions (a map with holes); null otherwise.
    /// <see cref="Length"/> is then the regions' total, what the source delivers.
    /// </summary>
    public SparseMap? Sparse { get; init; }

    public string UserName { get; init; } = "";

    public string GroupName { get; init; } = "";

    public EntrySource? Source { get; init; }

    /// <summary>The format's options of this entry (<see cref="ArchiveEntryOptions"/>), or null.</summary>
    public ArchiveEntryOptions? Options { get; init; }

    /// <summary>The entry's comment (<see cref="ArchiveEntry.Comment"/>), or null.</summary>
    public string? Comment { get; init; }

    public bool IsAsciiName => Ascii.IsValid(NameUtf8);
}
