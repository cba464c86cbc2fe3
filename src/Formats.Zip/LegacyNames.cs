using Formats.Streaming;
using Formats.Zip.Encoding;
using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// Entries with a name in a legacy character set (<see cref="ArchiveEntry.LegacyName"/>): those bytes in the name field
/// without the UTF-8 flag, and the UTF-8 name in the Info-ZIP Unicode Path extra field (APPNOTE 4.6.9), whose CRC-32
/// lets a reader see that the name field is the one it was made for.
/// </summary>
internal static class LegacyNames
{
    /// <summary>The name field: the legacy bytes, with a directory's '/'.</summary>
    public static byte[] NameField(PreparedEntry entry, byte[] legacy)
    {
        byte[] field = entry.Kind == EntryKind.Directory ? [.. legacy, (byte)'/'] : legacy;
        return field.Length <= ZipConstants.MaxNameLength
            ? field
            : throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"legacy name is {field.Length} bytes; a zip header holds at most {ZipConstants.MaxNameLength}");
    }

    /// <summary>The whole extra field: header, version 1, the CRC-32 of <paramref name="nameField"/>, and <paramref name="utf8Name"/>.</summary>
    public static byte[] UnicodePathExtra(PreparedEntry entry, byte[] nameField, byte[] utf8Name)
    {
        // TSize counts what follows the header: version, CRC-32 and the name (mod_zip counts the header too, 4 bytes
        // too many, and readers flag its archives).
        var dataSize = UnicodePathExtraField.FixedLength - UnicodePathExtraField.FieldLocations.Version + utf8Name.Length;
        if (dataSize > ushort.MaxValue)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"name is {utf8Name.Length} bytes in UTF-8; with a legacy name, its Unicode Path extra field holds at most {ushort.MaxValue - dataSize + utf8Name.Length}");
        }

        var extra = new byte[UnicodePathExtraField.FixedLength + utf8Name.Length];
        new UnicodePathExtraField { DataSize = (ushort)dataSize, NameCrc32 = Crc32Accumulator.Compute(nameField) }.Write(extra);
        utf8Name.CopyTo(extra.AsSpan(UnicodePathExtraField.FixedLength));
        return extra;
    }
}
