namespace Formats.Cli;

/// <summary>A usage error: the command line itself is wrong. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A small POSIX-style reader: options before, between or after operands; "--name value", "--name=value", "-o value";
/// "--" ends options; "-" alone is an operand.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>How each valued option was spelled on the command line ("-o" or "--output"), to name it in errors.</summary>
    private readonly Dictionary<string, string> _spelling = new(StringComparer.Ordinal);

    private CommandLine(List<string> operands) => Operands = operands;

    public List<string> Operands { get; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="valued"/> maps each option taking a value (and its aliases) to its long name.</summary>
    public static CommandLine Parse(IEnumerable<string> args, IReadOnlyDictionary<string, string> valued, IReadOnlyDictionary<string, string> flags)
    {
        var result = new CommandLine([]);
        using var e = args.GetEnumerator();
        var optionsEnded = false;
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                result.Operands.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var key = eq < 0 ? arg : arg[..eq];
            if (valued.TryGetValue(key, out var name))
            {
                string value;
                if (eq >= 0)
                {
                    value = arg[(eq + 1)..];
                }
                else if (e.MoveNext())
                {
                    value = e.Current;
                }
                else
                {
                    throw new UsageException($"option {key} needs a value");
                }

                result._values[name] = value;
                result._spelling[name] = key;
            }
            else if (flags.TryGetValue(key, out var flag) && eq < 0)
            {
                result._flags.Add(flag);
            }
            else
            {
                throw new UsageException($"unknown option '{arg}'");
            }
        }

        return result;
    }

    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>The path option <paramref name="name"/> gives (null when not given); an empty one is a usage error naming the option as spelled.</summary>
    public string? Path(string name) => Value(name) is { Length: 0 }
        ? throw new UsageException($"{_spelling[name]}: the path is empty ('')")
        : Value(name);

    /// <summary>The whole number option <paramref name="name"/> gives, from <paramref name="minimum"/> to <paramref name="maximum"/>; null when not given.</summary>
    public long? Number(string name, long minimum, long maximum)
    {
        if (Value(name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw new UsageException($"--{name}: '{text}' is not a whole number from {minimum} to {maximum}");
    }

    public bool Flag(string name) => _flags.Contains(name);
}
