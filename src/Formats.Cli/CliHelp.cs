using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;

namespace Formats.Cli;

/// <summary>
/// A command of <c>formats</c>: its options and arguments are the declarations; <see cref="Intro"/> and
/// <see cref="Epilogue"/> are the prose its help puts before and after them.
/// </summary>
internal sealed class CliCommand(string name, string summary) : Command(name, summary)
{
    /// <summary>What the help says before the options (what the command does, its SOURCEs).</summary>
    public string Intro { get; init; } = "";

    /// <summary>What the help says after the options (errors, examples).</summary>
    public string Epilogue { get; init; } = "";

    /// <summary>The usage line after "Usage: formats NAME"; by default "[options]" and the arguments.</summary>
    public string? Usage { get; init; }

    /// <summary>The error for a word the command does not take, '{0}' the word; null: "unknown option" or "unexpected argument".</summary>
    public string? NoOperand { get; init; }
}

/// <summary>
/// The help of a command, written from its declarations: the usage line, the intro, every visible option with the
/// name of its value and its description (wrapped at <see cref="Width"/>), the subcommands with their summaries, then
/// the epilogue. Replaces System.CommandLine's help so that the layout stays the one the README shows.
/// </summary>
internal sealed class CliHelp : SynchronousCommandLineAction
{
    /// <summary>The widest line of the help.</summary>
    public const int Width = 116;

    /// <summary>The widest option label that still has its description on the same line.</summary>
    private const int LabelColumn = 28;

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(Render(parseResult.CommandResult.Command));
        return 0;
    }

    /// <summary>The help text of <paramref name="command"/>.</summary>
    public static string Render(Command command)
    {
        var cli = command as CliCommand;
        var (intro, epilogue) = cli is null ? CliApp.RootProse : (cli.Intro, cli.Epilogue);
        var text = new StringBuilder();
        var path = Path(command);
        var usage = cli?.Usage
            ?? (cli is null ? "COMMAND [options] SOURCE..."
            : command.Subcommands.Count > 0 ? $"{string.Join('|', command.Subcommands.Select(c => c.Name))} [options] SOURCE..."
            : string.Join(' ', ["[options]", .. command.Arguments.Select(a => a.Name + "...")]));
        text.Append("Usage: ").Append(path).Append(' ').Append(usage).Append("\n\n");
        if (intro.Length > 0)
        {
            text.Append(intro.TrimEnd()).Append("\n\n");
        }

        if (command.Subcommands.Count > 0)
        {
            text.Append(command.Parents.Any() ? "Formats\n" : "Commands\n");
            foreach (var sub in command.Subcommands)
            {
                Row(text, sub.Name, $"{sub.Description} ({path} {sub.Name} --help)");
            }

            text.Append('\n');
        }

        var options = command.Options.Concat(Ancestors(command).SelectMany(a => a.Options.Where(o => o.Recursive))).Where(o => !o.Hidden).ToList();
        text.Append("Options\n");
        foreach (var option in options)
        {
            Row(text, Label(option), option.Description ?? "");
        }

        if (epilogue.Length > 0)
        {
            text.Append('\n').Append(epilogue.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>"-o, --output PATH": the short aliases, the name, and the value's name unless the option is a flag.</summary>
    public static string Label(Option option)
    {
        var names = string.Join(", ", [.. option.Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Order(StringComparer.Ordinal), option.Name]);
        return option.Arity.MaximumNumberOfValues == 0 || option.HelpName is null ? names : $"{names} {option.HelpName}";
    }

    /// <summary>"formats zip", "formats size tar".</summary>
    private static string Path(Command command) =>
        string.Join(' ', ["formats", .. new[] { command }.Concat(Ancestors(command)).Reverse().Skip(1).Select(c => c.Name)]);

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }

    /// <summary>One row: the label at two spaces, the text wrapped at a column after it (or under it when the label is long).</summary>
    private static void Row(StringBuilder text, string label, string description)
    {
        var column = LabelColumn + 2;
        var pad = new string(' ', column);
        text.Append("  ").Append(label);
        var first = true;
        if (label.Length + 2 > column - 1)
        {
            text.Append('\n').Append(pad);
        }
        else
        {
            text.Append(' ', column - 2 - label.Length);
        }

        var line = 0;
        foreach (var word in description.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line > 0 && column + line + 1 + word.Length > Width)
            {
                text.Append('\n').Append(pad);
                line = 0;
            }
            else if (!first)
            {
                text.Append(' ');
                line++;
            }

            text.Append(word);
            line += word.Length;
            first = false;
        }

        text.Append('\n');
    }
}
