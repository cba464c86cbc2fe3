using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Formats.Cli;

/// <summary>
/// What stat(2) says of a path: the file type and permission bits, the owner's user and group ids, and for a device
/// the device it is (st_rdev).
/// </summary>
internal readonly record struct UnixStat(uint Mode, uint UserId, uint GroupId, ulong Device = 0)
{
    /// <summary>st_dev and st_ino: which file this is (two paths or descriptors of one file have the same).</summary>
    public (ulong Device, ulong Inode) Identity { get; init; }

    private const uint TypeMask = 0xF000; // S_IFMT
    private const uint Fifo = 0x1000; // S_IFIFO
    private const uint CharacterDevice = 0x2000; // S_IFCHR
    private const uint Directory = 0x4000; // S_IFDIR
    private const uint BlockDevice = 0x6000; // S_IFBLK
    private const uint Regular = 0x8000; // S_IFREG
    private const uint SymbolicLink = 0xA000; // S_IFLNK
    private const uint Socket = 0xC000; // S_IFSOCK

    public UnixFileType.Kind Kind => (Mode & TypeMask) switch
    {
        Regular => UnixFileType.Kind.Regular,
        Directory => UnixFileType.Kind.Directory,
        _ => UnixFileType.Kind.Other,
    };

    /// <summary>The entry kind of a character or block device or a FIFO, which tar holds as such; null for every other type.</summary>
    public EntryKind? SpecialKind => (Mode & TypeMask) switch
    {
        CharacterDevice => EntryKind.CharacterDevice,
        BlockDevice => EntryKind.BlockDevice,
        Fifo => EntryKind.Fifo,
        _ => null,
    };

    /// <summary>
    /// The device's major number, decoded from st_rdev as glibc's gnu_dev_major does: bits 8-19, and 32-63 above them
    /// (Linux majors have 12 bits in use).
    /// </summary>
    public int DeviceMajor => (int)(((Device >> 8) & 0xFFF) | ((Device >> 32) & ~0xFFFUL));

    /// <summary>The device's minor number, as glibc's gnu_dev_minor: bits 0-7, and 20-31 above them (Linux minors have 20 bits).</summary>
    public int DeviceMinor => (int)((Device & 0xFF) | ((Device >> 12) & ~0xFFUL));

    /// <summary>"a FIFO", "a socket", ... for a type that is neither a regular file nor a directory; null for those.</summary>
    public string? OtherType => (Mode & TypeMask) switch
    {
        Regular or Directory => null,
        Fifo => "a FIFO (named pipe)",
        Socket => "a socket",
        CharacterDevice => "a character device",
        BlockDevice => "a block device",
        SymbolicLink => "a symbolic link",
        _ => "not a regular file",
    };
}

/// <summary>
/// The stat(2) fields that .NET does not expose: the file type (the CLI must tell a regular file from a device, pipe or
/// socket: an output file is written beside and renamed, a FIFO source would block forever in open(2)) and the owner's
/// ids (tar headers carry them). Reads struct stat in the Linux x64 and arm64 ABI layouts; elsewhere nothing is known.
/// </summary>
internal static unsafe partial class UnixFileType
{
    public enum Kind { Unknown, Regular, Directory, Other }

    /// <summary>sizeof(struct stat) is 144 on Linux x64 and 128 on arm64; room to spare.</summary>
    private const int StatBufferSize = 256;

    /// <summary>st_dev and st_ino come first in both layouts, 8 bytes each.</summary>
    private const int DeviceOffset = 0;
    private const int InodeOffset = 8;

    /// <summary>
    /// Offsets of st_mode, st_uid, st_gid and st_rdev: x64 has st_nlink (8 bytes) before st_mode and 4 bytes of padding
    /// before st_rdev; arm64's generic layout has st_nlink (4 bytes) after st_mode.
    /// </summary>
    private static readonly (int Mode, int Uid, int Gid, int Rdev)? Layout = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (24, 28, 32, 40),
        Architecture.Arm64 => (16, 24, 28, 32),
        _ => null,
    };

    /// <summary>The type of <paramref name="path"/>, following symbolic links.</summary>
    public static Kind Of(string path) => Stat(path) is { } stat ? stat.Kind : Kind.Unknown;

    /// <summary>stat(2) of <paramref name="path"/>, following symbolic links; null when it fails or is not available here.</summary>
    public static UnixStat? Stat(string path) => Call(buffer => StatPath(path, buffer));

    /// <summary>lstat(2): a symbolic link itself.</summary>
    public static UnixStat? LinkStat(string path) => Call(buffer => LinkStatPath(path, buffer));

    /// <summary>fstat(2) of an open descriptor (0, 1, 2).</summary>
    public static UnixStat? Stat(int descriptor) => Call(buffer => StatDescriptor(descriptor, buffer));

    private static UnixStat? Call(Func<nint, int> stat)
    {
        if (Layout is not { } layout)
        {
            return null;
        }

        var buffer = stackalloc byte[StatBufferSize];
        try
        {
            if (stat((nint)buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.33 exports only __xstat and friends; the types then stay unknown.
            return null;
        }

        var span = new ReadOnlySpan<byte>(buffer, StatBufferSize);
        return new UnixStat(
            BinaryPrimitives.ReadUInt32LittleEndian(span[layout.Mode..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[layout.Uid..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[layout.Gid..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[layout.Rdev..]))
        {
            Identity = (BinaryPrimitives.ReadUInt64LittleEndian(span[DeviceOffset..]), BinaryPrimitives.ReadUInt64LittleEndian(span[InodeOffset..])),
        };
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatPath(string path, nint buffer);

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkStatPath(string path, nint buffer);

    [LibraryImport("libc", EntryPoint = "fstat")]
    private static partial int StatDescriptor(int descriptor, nint buffer);
}
