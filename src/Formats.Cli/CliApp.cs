using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;

namespace Formats.Cli;

/// <summary>
/// The <c>formats</c> command: its commands declared on System.CommandLine, the parse, the one-line error report with
/// its exit status, and the help and completion that come from the declarations.
/// </summary>
internal static class CliApp
{
    private const string Intro = """
        formats: write ZIP and TAR archives as a stream, from files, folders and standard input.
        """;

    private const string Epilogue = """
        Zip or tar? Zip for people (every OS opens it) and for input of unknown length; tar for Unix tools and
        backups (owners, hard links, 'curl ... | tar x'), when every length is known up front.

        Shell completion: 'formats [suggest:N] "formats zip --me"' prints the words that complete the command line
        at position N (dotnet-suggest's protocol).

        Exit status: 0 on success, 1 when the archive could not be written (the error names the entry) or a server
        could not start (its port in use), 2 for a wrong command line.
        """;

    /// <summary>How the command line is read: no response files ('@FILE' is a manifest SOURCE).</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static async Task<int> RunAsync(string[] args, StandardStreams io, CancellationToken cancellationToken)
    {
        try
        {
            var root = Root(io);
            if (args is [] or ["help", ..])
            {
                await io.Out.WriteAsync(CliHelp.Render(root));
                return args.Length == 0 ? 2 : 0;
            }

            var result = root.Parse(EmptyValues(args), Parsing);
            if (result.Action is not { ClearsParseErrors: true } && Error(result) is { } error)
            {
                throw new UsageException(error);
            }

            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = io.Out,
                Error = io.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (UsageException ex)
        {
            await io.Error.WriteLineAsync($"formats: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await io.Error.WriteLineAsync("formats: interrupted; the archive was not completed");
            return 130;
        }
        catch (Exception ex) when (ex is ArchiveException or InvalidEntryNameException or IOException or UnauthorizedAccessException or ArgumentException or FormatException or HttpRequestException or TimeoutException)
        {
            await io.Error.WriteLineAsync($"formats: {OneLine(ex.Message)}");
            return 1;
        }
    }

    /// <summary>The root command and its five commands, each with its own options (none leaks into another).</summary>
    public static RootCommand Root(StandardStreams io)
    {
        var root = new RootCommand("formats") { ZipCommand.Command(io), TarCommand.Command(io), SizeCommand.Command(io), ServeCommand.Command(io), GatewayCommand.Command(io) };

        // The name completions are asked with ("formats zip --me"), whatever the process's file is called.
        if (root.Name != "formats")
        {
            root.Aliases.Add("formats");
        }

        // --help and -h only ('/h' and '/?' are paths), written from the declarations; --version as three numbers.
        root.Options.Clear();
        root.Options.Add(new HelpOption("--help", "-h") { Description = "this help", Action = new CliHelp() });
        root.Options.Add(new VersionOption("--version") { Description = "the version", Action = new VersionAction() });
        return root;
    }

    /// <summary>The prose of the root command's help, before and after its commands and options.</summary>
    internal static (string Intro, string Epilogue) RootProse => (Intro, Epilogue);

    /// <summary>
    /// The one error reported for a wrong command line: a refused secret option first (its message never holds what
    /// followed it), then a word the command does not take, then the first other error.
    /// </summary>
    private static string? Error(ParseResult result)
    {
        if (result.Errors.FirstOrDefault(e => e.SymbolResult is OptionResult { Option: RefusedOption }) is { } refusal)
        {
            return refusal.Message;
        }

        if ((result.UnmatchedTokens.Count > 0 ? result.UnmatchedTokens[0] : OptionAsOperand(result)) is { } word)
        {
            var command = result.CommandResult.Command;
            var help = string.Join(' ', ["formats", .. Path(command), "--help"]);
            var named = command.Parents.Any() ? string.Join(' ', Path(command)) + ": " : "";
            return word.StartsWith('-') && word.Length > 1
                ? $"{named}unknown option '{word}' (try '{help}')"
                : command is CliCommand { NoOperand: { } noOperand } ? string.Format(System.Globalization.CultureInfo.InvariantCulture, noOperand, word)
                : $"unknown command '{word}' (try 'formats --help')";
        }

        return result.Errors.Count > 0 ? result.Errors[0].Message : null;
    }

    /// <summary>
    /// An operand that looks like an option ('--compress' given to zip), before any '--': the command has no such option,
    /// so it is not taken as a SOURCE named '--compress'.
    /// </summary>
    private static string? OptionAsOperand(ParseResult result)
    {
        var beforeDashDash = result.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash).ToHashSet(ReferenceEqualityComparer.Instance);
        return result.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-' && beforeDashDash.Contains(t))?.Value;
    }

    /// <summary>The command's words after "formats" ("size zip"); none for the root.</summary>
    private static IEnumerable<string> Path(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent ? [.. Path(parent), command.Name] : [];

    /// <summary>"--name=" becomes "--name" and an empty value, so that an empty path is named as the error it is.</summary>
    private static string[] EmptyValues(string[] args)
    {
        var end = Array.IndexOf(args, "--");
        return [.. args.SelectMany((arg, i) => (end < 0 || i < end) && arg.Length > 3 && arg.StartsWith("--", StringComparison.Ordinal) && arg.EndsWith('=') && arg.IndexOf('=', StringComparison.Ordinal) == arg.Length - 1
            ? new[] { arg[..^1], "" }
            : [arg])];
    }

    /// <summary>--version: the version's three numbers.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(typeof(CliApp).Assembly.GetName().Version?.ToString(3));
            return 0;
        }
    }

    /// <summary>
    /// For serve and gateway: a server that cannot start (its port in use) is reported by <see cref="RunAsync"/> in one
    /// line on standard error, exit status 1. The host's own Error entry for it (the stack trace, written on standard
    /// output with the other logs) is left out; its Critical entries stay.
    /// </summary>
    public static void LeaveStartFailureToTheErrorLine(ILoggingBuilder logging) =>
        logging.AddFilter(HostCategory, LogLevel.Critical);

    /// <summary>The category of Microsoft.Extensions.Hosting's "Hosting failed to start".</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
