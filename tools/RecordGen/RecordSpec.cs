using System.Globalization;

namespace Formats.Tools.RecordGen;

/// <summary>One data file of records: which format, where its C# goes, and its records in file order.</summary>
internal sealed record RecordFile(string SourcePath, string Format, string FormatTitle, string Namespace, string OutputFolder, string? NumbersHelper, IReadOnlyList<RecordSpec> Records);

internal sealed record RecordSpec(string Name, string Title, string Section, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<TrailingSpec> Trailing)
{
    public int FixedLength => Fields.Sum(f => f.Length);
}

/// <summary>
/// A fixed field. Little-endian integers have their own size; <c>text</c>, <c>number</c>, <c>checksum</c> and <c>zero</c>
/// fields are given one. A constant is an integer <see cref="Value"/> or, for text, <see cref="TextValue"/>.
/// </summary>
internal sealed record FieldSpec(string Name, FieldType Type, int? Size, ulong? Value, byte[]? TextValue, string Description)
{
    public int Length => Type switch
    {
        FieldType.U8 => 1,
        FieldType.U16 => 2,
        FieldType.U32 or FieldType.I32 => 4,
        FieldType.U64 => 8,
        _ => Size!.Value,
    };

    public bool IsConstant => Value is not null || TextValue is not null;

    /// <summary>Fields the caller sets (constants, checksums and padding are the writer's own).</summary>
    public bool IsSettable => !IsConstant && Type is not (FieldType.Checksum or FieldType.Zero);

    public string TypeName => Type switch
    {
        FieldType.Text or FieldType.Number or FieldType.Checksum or FieldType.Zero => $"{Type.ToString().ToLowerInvariant()} {Length}",
        _ => Type.ToString().ToLowerInvariant(),
    };
}

internal sealed record TrailingSpec(string Name, string LengthField, string Description);

/// <summary>
/// Field types: little-endian integers; <c>Text</c>, bytes padded with NUL; <c>Number</c>, a number in the format's own
/// text form, written and read by the file's <c>numbers</c> helper class (tar: octal or base-256); <c>Checksum</c>, computed
/// over the whole record by that helper; <c>Zero</c>, padding.
/// </summary>
internal enum FieldType { U8, U16, U32, U64, I32, Text, Number, Checksum, Zero }

/// <summary>Reads the line-oriented record description format documented at the top of each data file.</summary>
internal static class RecordParser
{
    public static RecordFile Parse(string sourcePath, string text)
    {
        string? format = null, title = null, ns = null, output = null, numbers = null;
        var records = new List<RecordSpec>();
        string? recordName = null, recordTitle = null, section = null;
        List<FieldSpec>? fields = null;
        List<TrailingSpec>? trailing = null;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var tokens = Tokenize(line, sourcePath, lineNumber);
            void Require(bool condition, string message)
            {
                if (!condition)
                {
                    throw new FormatException($"{sourcePath}:{lineNumber}: {message}");
                }
            }

            switch (tokens[0])
            {
                case "format":
                    Require(tokens.Count == 3, "expected: format NAME \"title\"");
                    (format, title) = (tokens[1], tokens[2]);
                    break;
                case "namespace":
                    Require(tokens.Count == 2, "expected: namespace NAME");
                    ns = tokens[1];
                    break;
                case "numbers":
                    Require(tokens.Count == 2, "expected: numbers CLASS");
                    numbers = tokens[1];
                    break;
                case "output":
                    Require(tokens.Count == 2, "expected: output FOLDER");
                    output = tokens[1];
                    break;
                case "record":
                    Require(recordName is null, "record inside a record");
                    Require(tokens.Count == 4, "expected: record NAME \"title\" \"section\"");
                    (recordName, recordTitle, section) = (tokens[1], tokens[2], tokens[3]);
                    fields = [];
                    trailing = [];
                    break;
                case "end":
                    Require(recordName is not null, "end outside a record");
                    Require(fields!.Count > 0, $"record {recordName} has no fields");
                    records.Add(new RecordSpec(recordName!, recordTitle!, section!, fields, trailing!));
                    recordName = null;
                    break;
                case "trailing":
                    Require(recordName is not null, "trailing outside a record");
                    Require(tokens.Count == 4, "expected: trailing NAME LENGTHFIELD \"description\"");
                    Require(fields!.Any(f => f.Name == tokens[2]), $"unknown length field {tokens[2]}");
                    trailing!.Add(new TrailingSpec(tokens[1], tokens[2], tokens[3]));
                    break;
                default:
                    Require(recordName is not null, $"unexpected '{tokens[0]}' outside a record");
                    Require(trailing!.Count == 0, "fixed fields must come before trailing parts");
                    var type = tokens[1] switch
                    {
                        "u8" => FieldType.U8,
                        "u16" => FieldType.U16,
                        "u32" => FieldType.U32,
                        "u64" => FieldType.U64,
                        "i32" => FieldType.I32,
                        "text" => FieldType.Text,
                        "number" => FieldType.Number,
                        "checksum" => FieldType.Checksum,
                        "zero" => FieldType.Zero,
                        _ => throw new FormatException($"{sourcePath}:{lineNumber}: unknown type {tokens[1]}"),
                    };
                    var sized = type is FieldType.Text or FieldType.Number or FieldType.Checksum or FieldType.Zero;
                    var at = 2;
                    int? size = null;
                    if (sized)
                    {
                        Require(tokens.Count > 2 && int.TryParse(tokens[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0, $"{tokens[1]} needs a size");
                        size = int.Parse(tokens[2], CultureInfo.InvariantCulture);
                        at = 3;
                    }

                    Require(tokens.Count == at + 1 || tokens.Count == at + 3, "expected: NAME TYPE [SIZE] [= VALUE] \"description\"");
                    ulong? value = null;
                    byte[]? constantText = null;
                    if (tokens.Count == at + 3)
                    {
                        Require(tokens[at] == "=", "expected '=' before a constant value");
                        var literal = tokens[at + 1];
                        if (type == FieldType.Text)
                        {
                            constantText = System.Text.Encoding.ASCII.GetBytes(literal.Replace("\\0", "\0", StringComparison.Ordinal));
                            Require(constantText.Length == size, $"constant {tokens[0]} must be exactly {size} bytes");
                        }
                        else
                        {
                            Require(!sized, $"a {tokens[1]} field cannot be a constant");
                            value = literal.StartsWith("0x", StringComparison.Ordinal)
                                ? ulong.Parse(literal.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                                : ulong.Parse(literal, CultureInfo.InvariantCulture);
                        }
                    }

                    Require(fields!.All(f => f.Name != tokens[0]), $"duplicate field {tokens[0]}");
                    fields!.Add(new FieldSpec(tokens[0], type, size, value, constantText, tokens[^1]));
                    break;
            }
        }

        if (format is null || title is null || ns is null || output is null || recordName is not null)
        {
            throw new FormatException($"{sourcePath}: needs format, namespace and output lines, and every record closed with end");
        }

        var needsNumbers = records.SelectMany(r => r.Fields).Any(f => f.Type is FieldType.Number or FieldType.Checksum);
        if (needsNumbers && numbers is null)
        {
            throw new FormatException($"{sourcePath}: number and checksum fields need a 'numbers CLASS' line");
        }

        return new RecordFile(sourcePath, format, title, ns, output, numbers, records);
    }

    private static List<string> Tokenize(string line, string path, int lineNumber)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
            }
            else if (line[i] == '"')
            {
                var close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw new FormatException($"{path}:{lineNumber}: unterminated string");
                }

                tokens.Add(line[(i + 1)..close]);
                i = close + 1;
            }
            else
            {
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i]))
                {
                    i++;
                }

                tokens.Add(line[start..i]);
            }
        }

        return tokens;
    }
}
