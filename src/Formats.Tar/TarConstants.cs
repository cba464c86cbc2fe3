namespace Formats.Tar;

/// <summary>Values of the tar format that are not fields of the ustar record (POSIX pax, "ustar Interchange Format").</summary>
internal static class TarConstants
{
    /// <summary>Headers and data go in 512-byte blocks.</summary>
    public const int BlockSize = 512;

    /// <summary>The archive is padded to a whole number of 20-block records, as GNU tar and libarchive write by default.</summary>
    public const int RecordSize = 20 * BlockSize;

    /// <summary>Two zero blocks end the archive.</summary>
    public const int EndBlocks = 2;

    public const byte TypeRegularFile = (byte)'0';

    public const byte TypeHardLink = (byte)'1';

    public const byte TypeSymbolicLink = (byte)'2';

    public const byte TypeDirectory = (byte)'5';

    /// <summary>pax extended header for the next entry.</summary>
    public const byte TypePaxExtendedHeader = (byte)'x';

    /// <summary>Mode of a pax header block itself.</summary>
    public const int PaxHeaderMode = 0b110_100_100;

    public static long PaddedLength(long length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>A record of <paramref name="count"/> zero bytes (padding, end blocks).</summary>
    public static int WriteZeros(Span<byte> destination, int count)
    {
        destination[..count].Clear();
        return count;
    }
}
