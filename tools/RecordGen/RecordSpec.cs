using System.Globalization;

namespace Formats.Tools.RecordGen;

/// <summary>One data file of records: which format, where its C# goes, and its records in file order.</summary>
internal sealed record RecordFile(string SourcePath, string Format, string FormatTitle, string Namespace, string OutputFolder, string ReadersFolder, string? NumbersHelper, IReadOnlyList<RecordSpec> Records);

/// <summary>
/// One record: fixed fields, then optional integer fields (written only when set, in order, after the fixed part), then
/// trailing variable parts sized by a fixed field.
/// </summary>
internal sealed record RecordSpec(string Name, string Title, string Section, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<FieldSpec> Optional, IReadOnlyList<TrailingSpec> Trailing)
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
        FieldType.OptionalNumber => $"number? {Length}",
        _ => Type.ToString().ToLowerInvariant(),
    };
}

internal sealed record TrailingSpec(string Name, string LengthField, string Description);

/// <summary>
/// Field types: little-endian integers; <c>Text</c>, bytes padded with NUL; <c>Number</c>, a number in the format's own
/// text form, written and read by the file's <c>numbers</c> helper class (tar: octal or base-256); <c>Checksum</c>, computed
/// over the whole record by that helper; <c>OptionalNumber</c> (<c>number?</c>), a number that may be absent: then the
/// field is left NUL, as a reader tells "not given" from 0; <c>Zero</c>, padding.
/// </summary>
internal enum FieldType { U8, U16, U32, U64, I32, Text, Number, OptionalNumber, Checksum, Zero }

/// <summary>Reads the line-oriented record description format documented at the top of each data file.</summary>
internal sealed class RecordParser
{
    private readonly string _path;
    private readonly List<RecordSpec> _records = [];
    private int _line;
    private string? _format, _title, _namespace, _output, _readers, _numbers;

    // The record being read, between its 'record' and 'end' lines.
    private string? _name, _recordTitle, _section;
    private List<FieldSpec> _fields = [];
    private List<FieldSpec> _optional = [];
    private List<TrailingSpec> _trailing = [];

    private RecordParser(string path) => _path = path;

    public static RecordFile Parse(string sourcePath, string text)
    {
        var parser = new RecordParser(sourcePath);
        foreach (var raw in text.Split('\n'))
        {
            parser._line++;
            var line = raw.Trim();
            if (line.Length != 0 && !line.StartsWith('#'))
            {
                parser.ParseLine(Tokenize(line, sourcePath, parser._line));
            }
        }

        return parser.Finish();
    }

    private void ParseLine(List<string> tokens)
    {
        switch (tokens[0])
        {
            case "format":
                Require(tokens.Count == 3, "expected: format NAME \"title\"");
                (_format, _title) = (tokens[1], tokens[2]);
                break;
            case "namespace" or "numbers" or "output" or "readers":
                Require(tokens.Count == 2, $"expected: {tokens[0]} VALUE");
                SetDirective(tokens[0], tokens[1]);
                break;
            case "record":
                Require(_name is null, "record inside a record");
                Require(tokens.Count == 4, "expected: record NAME \"title\" \"section\"");
                (_name, _recordTitle, _section) = (tokens[1], tokens[2], tokens[3]);
                (_fields, _optional, _trailing) = ([], [], []);
                break;
            case "end":
                Require(_name is not null, "end outside a record");
                Require(_fields.Count > 0, $"record {_name} has no fields");
                _records.Add(new RecordSpec(_name!, _recordTitle!, _section!, _fields, _optional, _trailing));
                _name = null;
                break;
            case "optional":
                Require(_name is not null, "optional outside a record");
                Require(_trailing.Count == 0, "optional fields must come before trailing parts");
                var optional = ParseField(tokens[1..]);
                Require(optional.Type is FieldType.U16 or FieldType.U32 or FieldType.U64 && !optional.IsConstant, "an optional field is an integer (u16, u32 or u64) the caller sets");
                Require(_fields.Concat(_optional).All(f => f.Name != optional.Name), $"duplicate field {optional.Name}");
                _optional.Add(optional);
                break;
            case "trailing":
                Require(_name is not null, "trailing outside a record");
                Require(tokens.Count == 4, "expected: trailing NAME LENGTHFIELD \"description\"");
                Require(_fields.Any(f => f.Name == tokens[2]), $"unknown length field {tokens[2]}");
                _trailing.Add(new TrailingSpec(tokens[1], tokens[2], tokens[3]));
                break;
            default:
                Require(_name is not null, $"unexpected '{tokens[0]}' outside a record");
                Require(_trailing.Count == 0 && _optional.Count == 0, "fixed fields must come before optional fields and trailing parts");
                var field = ParseField(tokens);
                Require(_fields.All(f => f.Name != field.Name), $"duplicate field {field.Name}");
                _fields.Add(field);
                break;
        }
    }

    private void SetDirective(string directive, string value)
    {
        switch (directive)
        {
            case "namespace": _namespace = value; break;
            case "numbers": _numbers = value; break;
            case "output": _output = value; break;
            default: _readers = value; break;
        }
    }

    /// <summary>NAME TYPE [SIZE] [= VALUE] "description".</summary>
    private FieldSpec ParseField(List<string> tokens)
    {
        var type = tokens[1] switch
        {
            "u8" => FieldType.U8,
            "u16" => FieldType.U16,
            "u32" => FieldType.U32,
            "u64" => FieldType.U64,
            "i32" => FieldType.I32,
            "text" => FieldType.Text,
            "number" => FieldType.Number,
            "number?" => FieldType.OptionalNumber,
            "checksum" => FieldType.Checksum,
            "zero" => FieldType.Zero,
            _ => throw Error($"unknown type {tokens[1]}"),
        };
        var sized = type is FieldType.Text or FieldType.Number or FieldType.OptionalNumber or FieldType.Checksum or FieldType.Zero;
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

        return new FieldSpec(tokens[0], type, size, value, constantText, tokens[^1]);
    }

    private RecordFile Finish()
    {
        if (_format is null || _title is null || _namespace is null || _output is null || _readers is null || _name is not null)
        {
            throw new FormatException($"{_path}: needs format, namespace, output and readers lines, and every record closed with end");
        }

        var needsNumbers = _records.SelectMany(r => r.Fields).Any(f => f.Type is FieldType.Number or FieldType.OptionalNumber or FieldType.Checksum);
        if (needsNumbers && _numbers is null)
        {
            throw new FormatException($"{_path}: number and checksum fields need a 'numbers CLASS' line");
        }

        return new RecordFile(_path, _format, _title, _namespace, _output, _readers, _numbers, _records);
    }

    private void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Error(message);
        }
    }

    private FormatException Error(string message) => new($"{_path}:{_line}: {message}");

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
