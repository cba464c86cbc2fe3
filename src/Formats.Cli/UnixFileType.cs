using System.Runtime.InteropServices;

namespace Formats.Cli;

/// <summary>
/// The file type bits of stat(2), which .NET does not expose: the CLI must tell a regular file (write beside it, rename
/// on success) from a device or pipe (write in place). Reads st_mode from the Linux x64/arm64 ABI layouts.
/// </summary>
internal static partial class UnixFileType
{
    public enum Kind { Unknown, Regular, Directory, Other }

    public static Kind Of(string path)
    {
        var offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (!OperatingSystem.IsLinux() || offset < 0)
        {
            return Kind.Unknown;
        }

        var buffer = new byte[256];
        try
        {
            if (Stat(path, buffer) != 0)
            {
                return Kind.Unknown;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return Kind.Unknown;
        }

        var mode = BitConverter.ToUInt32(buffer, offset) & 0xF000;
        return mode switch
        {
            0x8000 => Kind.Regular,
            0x4000 => Kind.Directory,
            _ => Kind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);
}
