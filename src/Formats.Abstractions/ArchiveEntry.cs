namespace Formats;

/// <summary>
/// What is known about an entry before its content is read. Everything but the name and kind is optional;
/// what is supplied up front lets a format pick its most compatible form (a zip entry with a known length
/// and CRC-32 needs no data descriptor; a tar entry needs its length).
/// </summary>
public sealed class ArchiveEntry
{
    /// <summary>Creates an entry. <paramref name="name"/> uses '/' (or '\') between segments and is checked by the sink's name policy.</summary>
    public ArchiveEntry(string name, EntryKind kind = EntryKind.File)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown entry kind");
        }

        Name = name;
        Kind = kind;
    }

    /// <summary>
    /// A copy of every field of <paramref name="other"/>, under <paramref name="name"/> when given: for the library's own
    /// variations of an entry, which then set what differs with <c>init</c>, so that no field is forgotten.
    /// </summary>
    internal ArchiveEntry(ArchiveEntry other, string? name = null)
        : this(name ?? other.Name, other.Kind)
    {
        Length = other.Length;
        Crc32 = other.Crc32;
        LastModified = other.LastModified;
        Mode = other.Mode;
        LinkTarget = other.LinkTarget;
        DeviceMajor = other.DeviceMajor;
        DeviceMinor = other.DeviceMinor;
        UserId = other.UserId;
        GroupId = other.GroupId;
        UserName = other.UserName;
        GroupName = other.GroupName;
        Comment = other.Comment;
        LegacyName = other.LegacyName;
        LegacyNameOnly = other.LegacyNameOnly;
    }

    /// <summary>The name as given by the caller, before the name policy normalises it.</summary>
    public string Name { get; }

    /// <summary>File, directory, link, device or FIFO.</summary>
    public EntryKind Kind { get; }

    /// <summary>The content's length in bytes, if known before it is read. A source that delivers another length fails the archive.</summary>
    public long? Length { get => _length < 0 ? null : _length; init => _length = NonNegative(value, nameof(Length)) ?? -1; }

    /// <summary>The content's CRC-32 (ISO-HDLC, as zip uses it), if known before it is read. A source whose content has another CRC fails the archive.</summary>
    public uint? Crc32 { get => Has(Set.Crc32) ? _crc32 : null; init => _crc32 = Mark(Set.Crc32, value) ?? 0; }

    /// <summary>
    /// Last modification time. When null: the source's time (<see cref="EntrySource.LastModified"/>, or what it learns
    /// when opened, such as an HTTP <c>Last-Modified</c>, where the writer is not bound to a plan), else the writer's
    /// default, <see cref="DefaultLastModified"/> unless the plan sets another. Never the clock: the same entries give
    /// the same bytes.
    /// </summary>
    public DateTimeOffset? LastModified
    {
        get => Has(Set.LastModified) ? new DateTimeOffset(_utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(_offsetMinutes)) : null;
        init
        {
            _utcTicks = Mark(Set.LastModified, value)?.UtcTicks ?? 0;
            _offsetMinutes = (short)(value?.TotalOffsetMinutes ?? 0);
        }
    }

    /// <summary>
    /// The time of entries that neither declare one nor get one from their source: 1980-01-01T00:00:00Z, the earliest
    /// time a zip header holds, so that the same entries give the same bytes in every run.
    /// </summary>
    public static DateTimeOffset DefaultLastModified { get; } = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Unix permission bits (no file type bits); when null, 0644 for files, 0755 for directories, 0777 for symbolic links.</summary>
    public UnixFileMode? Mode
    {
        get => Has(Set.Mode) ? (UnixFileMode)_mode : null;
        init
        {
            if (value is { } mode && ((int)mode & ~0xFFF) != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Mode), value, "only permission bits (07777) are allowed");
            }

            _mode = (ushort)(Mark(Set.Mode, value) ?? 0);
        }
    }

    /// <summary>
    /// The target of a link, required for links and refused otherwise: for a <see cref="EntryKind.SymbolicLink"/>, a path
    /// relative to the link's folder; for a <see cref="EntryKind.HardLink"/>, the name of an earlier entry.
    /// </summary>
    public string? LinkTarget { get => _rare?.LinkTarget; init => Rare(value is not null).LinkTarget = value; }

    /// <summary>
    /// A <see cref="EntryKind.CharacterDevice"/>'s or <see cref="EntryKind.BlockDevice"/>'s major number (the driver),
    /// required for devices and refused otherwise. Tar's ustar field holds up to 2097151 (7 octal digits), more than
    /// Linux's 12-bit majors; a larger value fails the archive.
    /// </summary>
    public int? DeviceMajor { get => _rare?.DeviceMajor; init => Rare(value is not null).DeviceMajor = NonNegative(value, nameof(DeviceMajor)); }

    /// <summary>A device's minor number (the unit), required for devices and refused otherwise; up to 2097151 in tar, as <see cref="DeviceMajor"/>.</summary>
    public int? DeviceMinor { get => _rare?.DeviceMinor; init => Rare(value is not null).DeviceMinor = NonNegative(value, nameof(DeviceMinor)); }

    /// <summary>Owner's numeric user id (tar); when null, 0.</summary>
    public int? UserId { get => _rare?.UserId; init => Rare(value is not null).UserId = NonNegative(value, nameof(UserId)); }

    /// <summary>Owner's numeric group id (tar); when null, 0.</summary>
    public int? GroupId { get => _rare?.GroupId; init => Rare(value is not null).GroupId = NonNegative(value, nameof(GroupId)); }

    /// <summary>Owner's user name (tar); when null, none.</summary>
    public string? UserName { get => _rare?.UserName; init => Rare(value is not null).UserName = value; }

    /// <summary>Owner's group name (tar); when null, none.</summary>
    public string? GroupName { get => _rare?.GroupName; init => Rare(value is not null).GroupName = value; }

    /// <summary>
    /// A comment on the entry, or null (the default) for none. Zip writes it in UTF-8 in the member's central directory
    /// header (at most 65,535 bytes; the UTF-8 flag is set when it or the name is not ASCII), tar as a pax
    /// <c>comment</c> record, which readers skip. Tar refuses a comment with a line feed (an
    /// <see cref="ArchiveException"/> naming the entry): .NET's TarReader fails on an archive that holds one.
    /// </summary>
    public string? Comment { get => _rare?.Comment; init => Rare(value is not null).Comment = value; }

    /// <summary>
    /// The name in a legacy character set, byte for byte, for archivers that do not read UTF-8 names (old Windows
    /// tools read the OEM code page, such as CP866 or CP437), or empty (the default) for none; nginx mod_zip's
    /// <c>X-Archive-Name-Sep</c>. Zip writes these bytes as the name field without the UTF-8 flag, and <see cref="Name"/>
    /// in UTF-8 as the Info-ZIP Unicode Path extra field (0x7075), which readers that know it prefer (unless
    /// <see cref="LegacyNameOnly"/>); tar ignores it. The name policy checks it too: no absolute path, drive letter,
    /// '.' or '..' segment or control byte, '\' taken as a separator. A zip entry with a legacy name may not have a
    /// comment that is not ASCII (the UTF-8 flag covers both).
    /// </summary>
    public ReadOnlyMemory<byte> LegacyName { get => _rare?.LegacyName ?? default; init => Rare(!value.IsEmpty).LegacyName = value.IsEmpty ? default : value; }

    /// <summary>
    /// True: zip writes only <see cref="LegacyName"/>, without the Unicode Path extra field, because <see cref="Name"/> is
    /// only a guess at what those bytes say (mod_zip's <c>X-Archive-Charset: native</c>). False (the default): both.
    /// </summary>
    public bool LegacyNameOnly { get => Has(Set.LegacyNameOnly); init => Mark<bool>(Set.LegacyNameOnly, value ? true : null); }

    /// <summary>A regular file entry.</summary>
    public static ArchiveEntry File(string name, long? length = null, DateTimeOffset? lastModified = null) =>
        new(name) { Length = length, LastModified = lastModified };

    /// <summary>A directory entry.</summary>
    public static ArchiveEntry Directory(string name, DateTimeOffset? lastModified = null) =>
        new(name, EntryKind.Directory) { LastModified = lastModified };

    /// <summary>A hard link to the earlier entry named <paramref name="target"/> (tar only).</summary>
    public static ArchiveEntry HardLink(string name, string target, DateTimeOffset? lastModified = null) =>
        new(name, EntryKind.HardLink) { LinkTarget = target, LastModified = lastModified };

    /// <summary>A character device entry (tar only).</summary>
    public static ArchiveEntry CharacterDevice(string name, int major, int minor, DateTimeOffset? lastModified = null) =>
        new(name, EntryKind.CharacterDevice) { DeviceMajor = major, DeviceMinor = minor, LastModified = lastModified };

    /// <summary>A block device entry (tar only).</summary>
    public static ArchiveEntry BlockDevice(string name, int major, int minor, DateTimeOffset? lastModified = null) =>
        new(name, EntryKind.BlockDevice) { DeviceMajor = major, DeviceMinor = minor, LastModified = lastModified };

    /// <summary>A FIFO (named pipe) entry (tar only).</summary>
    public static ArchiveEntry Fifo(string name, DateTimeOffset? lastModified = null) =>
        new(name, EntryKind.Fifo) { LastModified = lastModified };

    /// <summary>A symbolic link entry pointing at <paramref name="target"/>.</summary>
    public static ArchiveEntry SymbolicLink(string name, string target, DateTimeOffset? lastModified = null) =>
        new(name, EntryKind.SymbolicLink) { LinkTarget = target, LastModified = lastModified };

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} '{Name}'";

    // The optional fields in their smallest form, each with a bit in _set for whether it is given (a nullable would add
    // a flag and padding to each): an entry is 64 bytes, not 112, and a manifest of 100,000 members holds 100,000.
    private long _length = -1;
    private long _utcTicks;
    private uint _crc32;
    private short _offsetMinutes;
    private ushort _mode;
    private Set _set;

    /// <summary>
    /// The fields most entries leave unset (links, devices, owners, comments, legacy names), kept apart so that an entry
    /// without them costs no room for them.
    /// </summary>
    private RareFields? _rare;

    [Flags]
    private enum Set : byte
    {
        Crc32 = 1,
        LastModified = 2,
        Mode = 4,
        LegacyNameOnly = 8,
    }

    private bool Has(Set field) => (_set & field) != 0;

    /// <summary>Notes whether <paramref name="value"/> is given, and returns it.</summary>
    private T? Mark<T>(Set field, T? value)
        where T : struct
    {
        _set = value is null ? _set & ~field : _set | field;
        return value;
    }

    /// <summary>Where a rare field is set: a null needs no room unless others are set (the shared discard takes it).</summary>
    private RareFields Rare(bool set) => !set && _rare is null ? RareFields.Discard : _rare ??= new RareFields();

    private sealed class RareFields
    {
        /// <summary>Takes nulls assigned to an entry that has no rare field, and keeps none of them.</summary>
        public static readonly RareFields Discard = new();

        public string? LinkTarget { get; set; }

        public int? DeviceMajor { get; set; }

        public int? DeviceMinor { get; set; }

        public int? UserId { get; set; }

        public int? GroupId { get; set; }

        public string? UserName { get; set; }

        public string? GroupName { get; set; }

        public string? Comment { get; set; }

        public ReadOnlyMemory<byte> LegacyName { get; set; }
    }

    private static T? NonNegative<T>(T? value, string name)
        where T : struct, System.Numerics.INumber<T>
    {
        if (value is { } v && T.IsNegative(v))
        {
            throw new ArgumentOutOfRangeException(name, v, "must not be negative");
        }

        return value;
    }
}
