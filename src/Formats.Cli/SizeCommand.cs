using System.CommandLine;
using System.Globalization;

namespace Formats.Cli;

/// <summary><c>formats size zip|tar [options] SOURCE...</c>: the archive's exact length, before a byte of it is written.</summary>
internal static class SizeCommand
{
    private const string Intro = """
        Prints the exact length in bytes of the archive 'formats zip' or 'formats tar' would write with the same
        options and SOURCEs, without reading any file's content, or on standard error the reason it cannot be
        known in advance (exit status 1). Use it for a Content-Length, or to check a --range.

        Only archives whose every byte follows from the files' metadata can be sized: zip with --method stored,
        and tar with --compress none. A compressed member's length depends on its content, and standard input's
        length is unknown until it ends (--stdin-length makes it known).
        """;

    private const string Epilogue = """
        Examples
          formats size zip --method stored docs
          formats size tar --mtime 2024-01-01T00:00:00Z docs
        """;

    /// <summary><c>formats size</c>, with <c>zip</c> and <c>tar</c> under it taking the options of those commands.</summary>
    public static CliCommand Command(StandardStreams io)
    {
        const string NeedsFormat = "size needs a format first: formats size zip|tar [options] SOURCE...";
        var command = new CliCommand("size", "print the exact length an archive will have, before writing it")
        {
            Intro = Intro,
            Epilogue = Epilogue,
            NoOperand = NeedsFormat + " (not '{0}')",
        };
        var zip = new ZipLine();
        command.Subcommands.Add(zip.Command("the length of 'formats zip' with these options", Intro, async (result, cancellationToken) =>
            await PrintAsync(result, zip.Archive, io, await ZipCommand.FormatAsync(result, zip, io, cancellationToken), cancellationToken), Epilogue));
        var tar = new TarLine();
        command.Subcommands.Add(tar.Command("the length of 'formats tar' with these options", Intro, (result, cancellationToken) =>
            PrintAsync(result, tar.Archive, io, TarCommand.Format(result, tar), cancellationToken), Epilogue));
        command.SetAction(int (_) => throw new UsageException(NeedsFormat));
        return command;
    }

    private static async Task<int> PrintAsync(ParseResult line, ArchiveLine archive, StandardStreams io, CliFormat format, CancellationToken cancellationToken)
    {
        var entries = archive.Collect(line, io, format);
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
