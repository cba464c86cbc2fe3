using Formats.Streaming;
using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// Comments in zip (docs/format-decisions.md, "Comments"): an entry's goes in its central directory header, the
/// archive's in the end record, both as UTF-8 and at most 65,535 bytes (their 16-bit length fields). The UTF-8 flag
/// (bit 11) covers the name and the entry's comment (APPNOTE appendix D), so it is set when either is not ASCII; the
/// archive comment has no flag and is UTF-8 always.
/// </summary>
internal static class ZipComments
{
    /// <summary>Longest comment a 16-bit comment length holds (APPNOTE 4.4.12 and 4.4.14's "file comment length", ".ZIP file comment length").</summary>
    public const int MaxLength = ushort.MaxValue;

    /// <summary>The end of central directory signature, which readers look for backwards from the archive's end: never in its comment.</summary>
    private static ReadOnlySpan<byte> EndSignature => [0x50, 0x4B, 0x05, 0x06];

    /// <summary>The entry's comment in UTF-8, or null; throws <see cref="ArchiveException"/> when it is too long.</summary>
    public static byte[]? EntryComment(PreparedEntry entry)
    {
        if (entry.Comment is not { } comment)
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(comment);
        if (bytes.Length > MaxLength)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"comment is {bytes.Length} bytes in UTF-8; a central directory header's file comment length holds at most {MaxLength}");
        }

        return bytes;
    }

    /// <summary>
    /// The archive comment (<see cref="ZipWriterOptions.Comment"/>) in UTF-8, empty when none; throws
    /// <see cref="ArchiveException"/> when it is too long or holds the end record's signature (a reader searching
    /// backwards for the end record would stop inside the comment).
    /// </summary>
    public static byte[] ArchiveComment(ZipWriterOptions options)
    {
        if (options.Comment is not { } comment)
        {
            return [];
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(comment);
        if (bytes.Length > MaxLength)
        {
            throw new ArchiveException(null, ArchiveErrorReason.FormatLimit, $"archive comment is {bytes.Length} bytes in UTF-8; the end of central directory record's comment length holds at most {MaxLength}");
        }

        if (bytes.AsSpan().IndexOf(EndSignature) is var at and >= 0)
        {
            throw new ArchiveException(null, ArchiveErrorReason.FormatLimit, $"archive comment holds the end of central directory signature (PK\\x05\\x06, 0x{EndOfCentralDirectoryRecord.Signature:X8}) at byte {at}; readers search backwards for it and would take the comment for the end record");
        }

        return bytes;
    }
}
