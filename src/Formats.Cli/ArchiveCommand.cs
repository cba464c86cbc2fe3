using System.Globalization;

namespace Formats.Cli;

/// <summary>What <c>formats zip</c> and <c>formats tar</c> share: the common options, SOURCE collection, the output target and the write loop.</summary>
internal static class ArchiveCommand
{
    public static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal) { ["-h"] = "help", ["--help"] = "help" };

    /// <summary>The options every archive command takes, plus <paramref name="extra"/> long options that take a value.</summary>
    public static Dictionary<string, string> CommonOptions(IEnumerable<string> extra)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["-o"] = "output", ["--output"] = "output", ["--level"] = "level", ["--mtime"] = "mtime", ["--stdin-name"] = "stdin-name",
        };
        foreach (var option in extra)
        {
            options[option] = option[2..];
        }

        return options;
    }

    /// <summary>Collects the SOURCEs, then writes them through the sink <paramref name="create"/> makes over the output.</summary>
    public static async Task<int> WriteAsync(CommandLine line, StandardStreams io, long? stdinLength, Func<Stream, IArchiveSink> create, CancellationToken cancellationToken)
    {
        if (line.Operands.Count == 0)
        {
            throw new UsageException("no SOURCE given (try --help)");
        }

        if (line.Operands.Count(o => o == "-") > 1)
        {
            throw new UsageException("standard input ('-') can be a SOURCE only once");
        }

        var mtime = ParseTime(line.Value("mtime"));
        var outputPath = line.Value("output") ?? "-";
        var excluded = outputPath == "-" ? null : Path.GetFullPath(outputPath);
        var entries = SourceCollector.Collect(
            line.Operands,
            new CollectOptions(line.Value("stdin-name") ?? "stdin", stdinLength, mtime, io.OpenInput, path => path == excluded));

        await using var target = OutputTarget.Open(outputPath, io.OpenOutput);
        await using (var sink = create(target.Stream))
        {
            foreach (var planned in entries)
            {
                await sink.AddEntryAsync(planned.Entry, planned.Source, cancellationToken);
            }

            await sink.CompleteAsync(cancellationToken);
        }

        await target.CommitAsync();
        return 0;
    }

    public static int ParseLevel(string? level) => level switch
    {
        null or "optimal" => 6,
        "fastest" => 1,
        "smallest" => 9,
        [var d] when d is >= '0' and <= '9' => d - '0',
        _ => throw new UsageException($"--level: '{level}' is not fastest, optimal, smallest or 0-9"),
    };

    public static DateTimeOffset? ParseTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new UsageException($"--mtime: '{text}' is not an ISO-8601 time such as 2024-01-01T00:00:00Z");
    }
}
