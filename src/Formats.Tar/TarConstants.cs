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

    /// <summary>Character special file.</summary>
    public const byte TypeCharacterDevice = (byte)'3';

    /// <summary>Block special file.</summary>
    public const byte TypeBlockDevice = (byte)'4';

    public const byte TypeDirectory = (byte)'5';

    /// <summary>FIFO special file.</summary>
    public const byte TypeFifo = (byte)'6';

    /// <summary>pax extended header for the next entry.</summary>
    public const byte TypePaxExtendedHeader = (byte)'x';

    /// <summary>Mode of a pax header block itself.</summary>
    public const int PaxHeaderMode = 0b110_100_100;

    /// <summary>The pax header's GNU sparse format version: 1.0, the map at the start of the member's data (GNU tar 1.15.92+).</summary>
    public const int GnuSparseMajor = 1;

    /// <summary>The minor half of <see cref="GnuSparseMajor"/>.</summary>
    public const int GnuSparseMinor = 0;

    /// <summary>
    /// The ustar name of a GNU sparse 1.0 member is "DIR/GNUSparseFile.N/BASE" (GNU tar's %d/GNUSparseFile.%p/%f, where
    /// %p is its process id): a reader without sparse support extracts the condensed data there, beside the real name.
    /// N is 0 here, so the same entries give the same bytes.
    /// </summary>
    public const string GnuSparseFolder = "GNUSparseFile.0";

    public static long PaddedLength(long length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>A record of <paramref name="count"/> zero bytes (padding, end blocks).</summary>
    public static int WriteZeros(Span<byte> destination, int count)
    {
        destination[..count].Clear();
        return count;
    }
}
