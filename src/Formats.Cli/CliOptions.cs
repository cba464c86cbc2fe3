using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Formats.Cli;

/// <summary>A usage error: the command line itself is wrong. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The kinds of option the commands declare. An option that takes a value takes one per occurrence, and the last one
/// given counts (a script's defaults can be overridden after them); a repeatable one keeps them all. Each option is declared once, with its name, the name of its value in the
/// help, its description (the default appended) and its parser; from that one declaration come the parse, the error
/// that names the option as typed and what it accepts ("--level: 'x' is not fastest, optimal, smallest or 0-9"), the
/// help and the shell completion.
/// </summary>
internal static class CliOptions
{
    /// <summary>A flag: present or not, never a value (so a following SOURCE named 'true' stays a SOURCE).</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>Text taken as it is (a name, a comment); null when not given, <paramref name="default"/> if there is one.</summary>
    public static Option<string> Text(string name, string helpName, string description, string? @default = null, params string[] aliases)
    {
        var option = new Option<string>(name, aliases)
        {
            Arity = ArgumentArity.OneOrMore,
            HelpName = helpName,
            Description = WithDefault(description, @default),
            CustomParser = result => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value,
        };
        if (@default is not null)
        {
            option.DefaultValueFactory = _ => @default;
        }

        return option;
    }

    /// <summary>A path: null when not given; an empty one is an error naming the option as typed.</summary>
    public static Option<string> Path(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases)
        {
            Arity = ArgumentArity.OneOrMore,
            HelpName = helpName,
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
                if (text?.Length == 0)
                {
                    result.AddError($"{Spelled(result)}: the path is empty ('')");
                }

                return text;
            },
        };

    /// <summary>
    /// A value read by <paramref name="parse"/>, which returns false for text that is not one; the error then says that
    /// the text "is not <paramref name="expected"/>". A parser may also throw a <see cref="UsageException"/> with a
    /// message of its own (one that names the option). Without <paramref name="default"/> the value is the type's
    /// default when the option is not given; <paramref name="defaultText"/> is the default as the help shows it.
    /// </summary>
    public static Option<T> Value<T>(string name, string helpName, string description, TryParse<T> parse, string expected, T? @default = default, string? defaultText = null, params string[] aliases)
    {
        var option = new Option<T>(name, aliases)
        {
            Arity = ArgumentArity.OneOrMore,
            HelpName = helpName,
            Description = WithDefault(description, defaultText),
            CustomParser = result => Parse(result, parse, expected),
        };
        if (defaultText is not null)
        {
            option.DefaultValueFactory = _ => @default!;
        }

        return option;
    }

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>; <paramref name="default"/> when not given.</summary>
    public static Option<long> Number(string name, string helpName, long minimum, long maximum, long @default, string description, string? defaultText = null) =>
        Value(name, helpName, description, (string text, out long value) => TryNumber(text, minimum, maximum, out value), $"a whole number from {minimum} to {maximum}",
            @default, defaultText ?? @default.ToString(CultureInfo.InvariantCulture));

    /// <summary>As <see cref="Number"/>, null when not given.</summary>
    public static Option<long?> OptionalNumber(string name, string helpName, long minimum, long maximum, string description) =>
        Value(name, helpName, description, (string text, out long? value) =>
        {
            var ok = TryNumber(text, minimum, maximum, out var number);
            value = number;
            return ok;
        }, $"a whole number from {minimum} to {maximum}");

    /// <summary>One of <paramref name="choices"/> by name, the first by default; the names are the completions.</summary>
    public static Option<T> Choice<T>(string name, string helpName, string description, params (string Name, T Value)[] choices)
    {
        var names = choices.Select(c => c.Name).ToArray();
        var others = names.Length == 2 ? $" or {names[1]}" : $", {string.Join(", ", names[1..^1])} or {names[^1]}";
        var option = Value(name, helpName, $"{names[0]} (default){others}{(description.Length > 0 ? ". " : "")}{description}",
            (string text, out T value) =>
            {
                var index = Array.IndexOf(names, text);
                value = index < 0 ? default! : choices[index].Value;
                return index >= 0;
            },
            $"{string.Join(", ", names[..^1])} or {names[^1]}");
        option.DefaultValueFactory = _ => choices[0].Value;
        option.CompletionSources.Clear();
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>An option that may be given several times, each value read by <paramref name="parse"/>; empty when not given.</summary>
    public static Option<T[]> Repeated<T>(string name, string helpName, string description, Func<string, T> parse) =>
        new(name)
        {
            HelpName = helpName,
            Description = description,
            Arity = ArgumentArity.OneOrMore,
            DefaultValueFactory = _ => [],
            CustomParser = result =>
            {
                try
                {
                    return [.. result.Tokens.Select(t => parse(t.Value))];
                }
                catch (UsageException ex)
                {
                    result.AddError(ex.Message);
                    return [];
                }
            },
        };

    /// <summary>
    /// An option that is refused whatever follows it, with <paramref name="message"/>: a password or secret on the
    /// command line. Hidden from the help; its values are taken (so never reported as unknown) and never echoed.
    /// </summary>
    public static Option<string[]> Refused(string name, string message, params string[] aliases) => new RefusedOption(name, message, aliases);

    /// <summary>The option as the command line spelled it ("-o" or "--output").</summary>
    public static string Spelled(ArgumentResult result) =>
        result.Parent is OptionResult parent ? parent.IdentifierToken?.Value ?? parent.Option.Name : result.Argument.Name;

    /// <summary>--urls: one or more http(s) URLs separated by ';' (Kestrel's forms, such as http://0.0.0.0:8080).</summary>
    public static bool TryUrls(string text, out string urls)
    {
        urls = text;
        return text.Split(';', StringSplitOptions.TrimEntries).All(IsListenUrl);
    }

    private static T? Parse<T>(ArgumentResult result, TryParse<T> parse, string expected)
    {
        if (result.Tokens.Count == 0)
        {
            return default;
        }

        var text = result.Tokens[^1].Value;
        try
        {
            if (parse(text, out var value))
            {
                return value;
            }
        }
        catch (UsageException ex)
        {
            result.AddError(ex.Message);
            return default;
        }

        result.AddError($"{Spelled(result)}: '{text}' is not {expected}");
        return default;
    }

    private static bool TryNumber(string text, long minimum, long maximum, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= minimum && value <= maximum;

    private static string WithDefault(string description, string? @default) =>
        @default is null ? description : description.EndsWith('.') ? $"{description} Default: {@default}." : $"{description} (default {@default})";

    /// <summary>http:// or https:// and a host after it; the rest Kestrel checks.</summary>
    private static bool IsListenUrl(string url)
    {
        var scheme = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "http://".Length
            : url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https://".Length
            : 0;
        return scheme > 0 && url.Length > scheme;
    }
}

/// <summary>Reads an option's value from its text; false when the text is not one.</summary>
internal delegate bool TryParse<T>(string text, out T value);

/// <summary>An option refused whatever follows it (<see cref="CliOptions.Refused"/>); its error is reported before any other.</summary>
internal sealed class RefusedOption : Option<string[]>
{
    public RefusedOption(string name, string message, string[] aliases)
        : base(name, aliases)
    {
        Hidden = true;
        Arity = ArgumentArity.OneOrMore;
        Validators.Add(result => result.AddError($"{result.IdentifierToken?.Value ?? name}: {message}"));
    }
}
