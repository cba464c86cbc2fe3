namespace Formats;

/// <summary>What an archive entry is.</summary>
public enum EntryKind
{
    /// <summary>A regular file with content.</summary>
    File,

    /// <summary>A directory; it has no content.</summary>
    Directory,

    /// <summary>A symbolic link; its target is <see cref="ArchiveEntry.LinkTarget"/>.</summary>
    SymbolicLink,

    /// <summary>A hard link to an earlier entry of the archive, named by <see cref="ArchiveEntry.LinkTarget"/>; it has no content. Tar only: zip has no hard links.</summary>
    HardLink,

    /// <summary>
    /// A character special file (tar typeflag '3'), identified by <see cref="ArchiveEntry.DeviceMajor"/> and
    /// <see cref="ArchiveEntry.DeviceMinor"/>; it has no content. Tar only: zip has no device entries.
    /// </summary>
    CharacterDevice,

    /// <summary>
    /// A block special file (tar typeflag '4'), identified by <see cref="ArchiveEntry.DeviceMajor"/> and
    /// <see cref="ArchiveEntry.DeviceMinor"/>; it has no content. Tar only: zip has no device entries.
    /// </summary>
    BlockDevice,

    /// <summary>A FIFO special file, a named pipe (tar typeflag '6'); it has no content. Tar only: zip has no FIFO entries.</summary>
    Fifo,
}
