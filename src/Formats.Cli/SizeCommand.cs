using System.Globalization;

namespace Formats.Cli;

/// <summary><c>formats size zip|tar [options] SOURCE...</c>: the archive's exact length, before a byte of it is written.</summary>
internal static class SizeCommand
{
    public const string Help = """
        Usage: formats size zip|tar [options] SOURCE...

        Prints the exact length in bytes of the archive 'formats zip' or 'formats tar' would write with the same
        options and SOURCEs, without reading any file's content, or on standard error the reason it cannot be
        known in advance (exit status 1). Use it for a Content-Length, or to check a --range.

        Only archives whose every byte follows from the files' metadata can be sized: zip with --method stored,
        and tar with --compress none. A compressed member's length depends on its content, and standard input's
        length is unknown until it ends (--stdin-length makes it known).

        Options: those of 'formats zip --help' or 'formats tar --help'.

        Examples
          formats size zip --method stored docs
          formats size tar --mtime 2024-01-01T00:00:00Z docs
        """;

    public static async Task<int> RunAsync(string[] args, StandardStreams io, CancellationToken cancellationToken)
    {
        var (line, zip) = args switch
        {
            ["zip", .. var rest] => (ZipCommand.Parse(rest), true),
            ["tar", .. var rest] => (TarCommand.Parse(rest), false),
            [] or ["-h" or "--help", ..] => (null, false),
            _ => throw new UsageException("size needs a format first: formats size zip|tar [options] SOURCE..."),
        };
        if (line is null || line.Flag("help"))
        {
            await io.Out.WriteAsync(Help);
            return line is null && args.Length == 0 ? 2 : 0;
        }

        var format = zip ? await ZipCommand.FormatAsync(line, io, cancellationToken) : TarCommand.Format(line);
        var entries = ArchiveCommand.Collect(line, io, format, line.Path("output") ?? "-");
        var items = format.DeclaresCrcs ? await ArchiveCommand.WithCrcsAsync(entries, cancellationToken, placeholders: true) : ArchiveCommand.Items(entries);
        var prediction = await format.CreatePlan(await format.RewriteAsync(items, cancellationToken)).PredictLengthAsync(cancellationToken);
        if (!prediction.IsKnown)
        {
            throw new ArchiveException(null, ArchiveErrorReason.NotPlannable, $"the length cannot be known in advance: {prediction.Reason}");
        }

        await io.Out.WriteLineAsync(prediction.Length!.Value.ToString(CultureInfo.InvariantCulture));
        return 0;
    }
}
