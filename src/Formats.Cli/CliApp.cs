using Microsoft.Extensions.Logging;

namespace Formats.Cli;

/// <summary>The <c>formats</c> command: dispatch, help, and the one-line error report with its exit status.</summary>
internal static class CliApp
{
    public const string Help = """
        formats: write ZIP and TAR archives as a stream, from files, folders and standard input.

        Usage: formats COMMAND [options] SOURCE...

        Commands
          zip       write a ZIP archive (formats zip --help)
          tar       write a TAR archive, plain, gzip or zstd (formats tar --help)
          size      print the exact length an archive will have, before writing it (formats size --help)
          serve     a download page over a folder, and a manifest endpoint (formats serve --help)
          gateway   stand in front of an app in any language and turn its X-Archive-Files answers into
                    archives, as nginx mod_zip does (formats gateway --help)

        Zip or tar? Zip for people (every OS opens it) and for input of unknown length; tar for Unix tools and
        backups (owners, hard links, 'curl ... | tar x'), when every length is known up front.

        Options
          -h, --help     this help
          --version      the version

        Exit status: 0 on success, 1 when the archive could not be written (the error names the entry), 2 for a
        wrong command line.
        """;

    public static async Task<int> RunAsync(string[] args, StandardStreams io, CancellationToken cancellationToken)
    {
        try
        {
            switch (args)
            {
                case [] or ["-h" or "--help" or "help", ..]:
                    await io.Out.WriteAsync(Help);
                    return args.Length == 0 ? 2 : 0;
                case ["--version", ..]:
                    await io.Out.WriteLineAsync(typeof(CliApp).Assembly.GetName().Version?.ToString(3));
                    return 0;
                case ["zip", .. var rest]:
                    return await ZipCommand.RunAsync(rest, io, cancellationToken);
                case ["tar", .. var rest]:
                    return await TarCommand.RunAsync(rest, io, cancellationToken);
                case ["size", .. var rest]:
                    return await SizeCommand.RunAsync(rest, io, cancellationToken);
                case ["serve", .. var rest]:
                    return await ServeCommand.RunAsync(rest, io, cancellationToken);
                case ["gateway", .. var rest]:
                    return await GatewayCommand.RunAsync(rest, io, cancellationToken);
                default:
                    throw new UsageException($"unknown command '{args[0]}' (try 'formats --help')");
            }
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
