using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Formats.Sources;

/// <summary>
/// Finds a file's data regions with <c>lseek(2)</c>'s <c>SEEK_DATA</c> and <c>SEEK_HOLE</c> (Linux 3.1 and later; the file
/// system reports its holes, or one region for the whole file when it keeps none). Only on Linux: other systems number
/// the two whence values differently, and there the map is unknown.
/// </summary>
internal static partial class FileHoles
{
    /// <summary>lseek whence: the next offset at or after the given one that holds data (Linux value).</summary>
    private const int SEEK_DATA = 3;

    /// <summary>lseek whence: the next hole at or after the given one; the end of the file counts as one (Linux value).</summary>
    private const int SEEK_HOLE = 4;

    /// <summary>errno: no data at or after the offset (SEEK_DATA past the last region).</summary>
    private const int ENXIO = 6;

    /// <summary>The data regions of the open file <paramref name="handle"/> of <paramref name="size"/> bytes; null when this system cannot tell.</summary>
    public static SparseMap? Scan(SafeFileHandle handle, long size)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var descriptor = (int)handle.DangerousGetHandle();
            var regions = new List<SparseRegion>();
            var at = 0L;

            // Each turn moves past one data region, so the loop ends within the file's region count.
            while (at < size)
            {
                var data = Seek(descriptor, at, SEEK_DATA);
                if (data < 0)
                {
                    if (Marshal.GetLastPInvokeError() == ENXIO)
                    {
                        break;
                    }

                    return null;
                }

                if (data >= size)
                {
                    break;
                }

                var hole = Seek(descriptor, data, SEEK_HOLE);
                if (hole <= data)
                {
                    return null;
                }

                hole = Math.Min(hole, size);
                regions.Add(new SparseRegion(data, hole - data));
                at = hole;
            }

            return new SparseMap(regions, size);
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Seek(int descriptor, long offset, int whence);
}
