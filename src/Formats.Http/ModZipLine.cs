using System.Globalization;

namespace Formats.Http;

/// <summary>
/// One line of nginx mod_zip's manifest, with exactly the grammar its parser accepts (ngx_http_zip_parsers.rl):
/// <c>CRC32 SIZE LOCATION NAME</c>, the first three fields each followed by one or more spaces (so that columns may be
/// aligned), the CRC-32 as hex digits or <c>-</c>, the size as decimal digits, the location any text without a space
/// (a <c>?</c> in it must start a non-empty query), and the name the rest of the line from its first character that is
/// not a space. Only spaces separate: a tab is part of a field, as there. A line that starts with a space, and one
/// without a name, is refused as there.
/// </summary>
internal readonly record struct ModZipLine(string CrcField, string SizeField, string LocationField, string Name)
{
    private const string Shape = "expected 'CRC32 SIZE LOCATION NAME' separated by spaces";

    /// <summary>The CRC-32, or null for <c>-</c>; throws <see cref="FormatException"/> when it is neither.</summary>
    public uint? Crc32 => ParseCrc(CrcField);

    /// <summary>The size; throws <see cref="FormatException"/> when it is not decimal digits.</summary>
    public long Size => ParseSize(SizeField);

    /// <summary>The location; throws <see cref="FormatException"/> when it has an empty path or query.</summary>
    public string Location => ParseLocation(LocationField);

    /// <summary>
    /// Splits <paramref name="line"/> into its fields (their values are checked when read, so that an error can name the
    /// entry); throws <see cref="FormatException"/> when the line does not have the shape.
    /// </summary>
    public static ModZipLine Split(string line)
    {
        if (line.StartsWith(' '))
        {
            throw new FormatException($"{Shape}; the line starts with a space (mod_zip refuses it too)");
        }

        var at = 0;
        var crc = Field(line, ref at, "CRC-32");
        var size = Field(line, ref at, "size");
        var location = Field(line, ref at, "location");
        if (at == line.Length)
        {
            throw new FormatException($"{Shape}; the name is missing");
        }

        return new ModZipLine(crc, size, location, line[at..]);
    }

    /// <summary>The field at <paramref name="at"/> up to the next space, and moves past the run of spaces after it.</summary>
    private static string Field(string line, ref int at, string what)
    {
        var end = line.IndexOf(' ', at);
        if (end < 0)
        {
            throw new FormatException(what == "location" ? $"{Shape}; the name is missing" : $"{Shape}; no space after the {what}");
        }

        var field = line[at..end];
        at = end;
        while (at < line.Length && line[at] == ' ')
        {
            at++;
        }

        return field;
    }

    private static uint? ParseCrc(string field)
    {
        if (field == "-")
        {
            return null;
        }

        if (!field.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"CRC-32 '{field}' is neither hex digits nor '-'");
        }

        // Leading zeros are fine; more than 32 bits are not (mod_zip would keep the low 32 bits of a mistake).
        return uint.TryParse(field, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var crc)
            ? crc
            : throw new FormatException($"CRC-32 '{field}' is more than 32 bits");
    }

    private static long ParseSize(string field)
    {
        if (!field.All(char.IsAsciiDigit))
        {
            throw new FormatException($"size '{field}' is not decimal digits");
        }

        return long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new FormatException($"size '{field}' is more than {long.MaxValue}");
    }

    private static string ParseLocation(string field)
    {
        var query = field.IndexOf('?', StringComparison.Ordinal);
        if (query == 0 || query == field.Length - 1)
        {
            throw new FormatException($"location '{HttpEntrySource.Redact(field)}' has an empty {(query == 0 ? "path" : "query")}");
        }

        return field;
    }
}
