using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Formats.Cli;

/// <summary>
/// Opens a file beneath a folder without following any link, then checks the open file: what <c>formats serve</c> needs
/// so that a path checked when a request arrives cannot lead elsewhere by the time its member is read (a folder
/// swapped for a link out of the root, a file swapped for a FIFO). Linux x64 and arm64: <c>openat2(2)</c> with
/// <c>RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS</c> (Linux 5.6), or where that is missing (older kernels, seccomp filters),
/// a walk of <c>openat(2)</c> with <c>O_NOFOLLOW</c> a component at a time. Always <c>O_NONBLOCK</c>, so that opening a
/// FIFO never waits for a writer; the open file must then be a regular file (<c>fstat(2)</c>), and reads block again.
/// </summary>
internal static unsafe partial class BeneathRoot
{
    private const int O_RDONLY = 0;
    private const int O_NOCTTY = 0x100; // 0400
    private const int O_NONBLOCK = 0x800; // 04000
    private const int O_CLOEXEC = 0x80000; // 02000000
    private const int O_PATH = 0x200000; // 010000000

    /// <summary>O_DIRECTORY: 0200000 on x86-64, 040000 on arm64 (asm-generic for arm64 moves it).</summary>
    private static readonly int O_DIRECTORY = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>O_NOFOLLOW: 0400000 on x86-64, 0100000 on arm64.</summary>
    private static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    private const ulong RESOLVE_NO_SYMLINKS = 0x04;
    private const ulong RESOLVE_BENEATH = 0x08;

    /// <summary>openat2's number, the same on x86-64 and arm64 (syscalls added since 5.1 share one table).</summary>
    private const nint SYS_openat2 = 437;

    private const int F_GETFL = 3;
    private const int F_SETFL = 4;

    private const int EPERM = 1;
    private const int ENOSYS = 38;

    /// <summary>True where the descriptor-based open is available; elsewhere callers check paths as best they can.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>openat2 answered ENOSYS or EPERM once: the walk from then on.</summary>
    private static bool s_noOpenat2;

    /// <summary>
    /// Opens <paramref name="relative"/> ('/'-separated, no '.' or '..' segments, no link anywhere) beneath the folder
    /// <paramref name="root"/> for reading. Throws <see cref="IOException"/> naming the path when it cannot be opened
    /// so, or is not a regular file.
    /// </summary>
    public static SafeFileHandle OpenRegularFile(string root, string relative, bool walk = false)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("opening beneath a folder needs Linux on x64 or arm64");
        }

        var descriptor = !walk && !s_noOpenat2 ? OpenWithResolve(root, relative) : -1;
        if (descriptor < 0)
        {
            descriptor = OpenByWalk(root, relative);
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            var stat = UnixFileType.Stat(descriptor);
            if (stat is not { Kind: UnixFileType.Kind.Regular })
            {
                throw new IOException($"'{relative}' is {stat?.OtherType ?? "not a regular file"} now; only regular files under the served folder are read");
            }

            var flags = Control(descriptor, F_GETFL, 0);
            if (flags < 0 || Control(descriptor, F_SETFL, flags & ~O_NONBLOCK) < 0)
            {
                throw Failure(relative, "fcntl");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>openat2 beneath the root; -1 when the kernel has no openat2 (then the walk is used from now on).</summary>
    private static int OpenWithResolve(string root, string relative)
    {
        var rootDescriptor = OpenDirectory(-100 /* AT_FDCWD */, root, follow: true, root);
        try
        {
            var how = new OpenHow { Flags = (ulong)(O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), Resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
            var descriptor = (int)SystemCall(SYS_openat2, rootDescriptor, Utf8(relative), &how, (nuint)sizeof(OpenHow));
            if (descriptor >= 0)
            {
                return descriptor;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOSYS or EPERM)
            {
                s_noOpenat2 = true;
                return -1;
            }

            throw Failure(relative, "openat2", errno);
        }
        finally
        {
            _ = Close(rootDescriptor);
        }
    }

    /// <summary>The same without openat2: each folder opened with O_NOFOLLOW beneath the one before, then the file.</summary>
    private static int OpenByWalk(string root, string relative)
    {
        var parts = relative.Split('/');
        if (parts.Any(p => p is "" or "." or ".."))
        {
            throw new IOException($"'{relative}' is not a plain path beneath the served folder");
        }

        var folder = OpenDirectory(-100 /* AT_FDCWD */, root, follow: true, root);
        try
        {
            foreach (var part in parts[..^1])
            {
                var next = OpenDirectory(folder, part, follow: false, relative);
                _ = Close(folder);
                folder = next;
            }

            var descriptor = OpenAt(folder, Utf8(parts[^1]), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
            return descriptor >= 0 ? descriptor : throw Failure(relative, "openat");
        }
        finally
        {
            _ = Close(folder);
        }
    }

    private static int OpenDirectory(int at, string name, bool follow, string shown)
    {
        var descriptor = OpenAt(at, Utf8(name), O_PATH | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
        return descriptor >= 0 ? descriptor : throw Failure(shown, "openat");
    }

    private static IOException Failure(string path, string call, int? errno = null)
    {
        var code = errno ?? Marshal.GetLastPInvokeError();
        var reason = code switch
        {
            40 => "a link is in the way (links are not followed once a request is checked)", // ELOOP
            18 => "it leads outside the served folder", // EXDEV (RESOLVE_BENEATH)
            20 => "a folder on the way is not a folder", // ENOTDIR
            2 => "it no longer exists", // ENOENT
            _ => Marshal.GetPInvokeErrorMessage(code),
        };
        return new IOException($"'{path}' cannot be opened beneath the served folder ({call}: {reason})");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial nint SystemCall(nint number, nint directory, byte[] path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int directory, byte[] path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Control(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
