using System.Globalization;

namespace Formats.Cli;

/// <summary>What a command needs of its format: a writer, a plan (for sizes and ranges), and what ranges and standard input require.</summary>
/// <remarks>
/// <paramref name="DeclaresCrcs"/>: the format's layout depends on whether file CRC-32s are declared (stored zip: sizes in
/// the local header, no descriptor), so every command declares them, computed by a first read of each file, for full
/// archives, ranges and sizes alike, and all three agree.
/// </remarks>
internal sealed record CliFormat(Func<Stream, IArchiveSink> CreateWriter, Func<IEnumerable<ArchiveItem>, ArchivePlan> CreatePlan, bool DeclaresCrcs, long? StdinLength);

/// <summary>What <c>formats zip</c> and <c>formats tar</c> share: the common options, SOURCE collection, the output target and the write loop.</summary>
internal static class ArchiveCommand
{
    public static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal) { ["-h"] = "help", ["--help"] = "help", ["-q"] = "quiet", ["--quiet"] = "quiet" };

    /// <summary>The flags of <c>formats zip</c> and <c>formats tar</c>.</summary>
    public static readonly Dictionary<string, string> ArchiveFlags = new(Flags, StringComparer.Ordinal)
    {
        ["--numeric-owner"] = "numeric-owner", ["--allow-colliding-names"] = "allow-colliding-names",
    };

    /// <summary>The name policy the command line asks for: the default, or one that allows colliding names.</summary>
    public static EntryNamePolicy NamePolicy(CommandLine line) =>
        line.Flag("allow-colliding-names") ? new EntryNamePolicy { AllowCollidingNames = true } : EntryNamePolicy.Default;

    /// <summary>The options every archive command takes, plus <paramref name="extra"/> long options that take a value.</summary>
    public static Dictionary<string, string> CommonOptions(IEnumerable<string> extra)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["-o"] = "output", ["--output"] = "output", ["--level"] = "level", ["--mtime"] = "mtime", ["--stdin-name"] = "stdin-name",
            ["--range"] = "range", ["--stdin-length"] = "stdin-length",
            ["--owner"] = "owner", ["--group"] = "group",
        };
        foreach (var option in extra)
        {
            options[option] = option[2..];
        }

        return options;
    }

    /// <summary>Collects the SOURCEs, then writes them (or the --range of them) in <paramref name="format"/> to the output.</summary>
    public static async Task<int> WriteAsync(CommandLine line, StandardStreams io, CliFormat format, CancellationToken cancellationToken)
    {
        var range = ParseRange(line.Value("range"));
        var outputPath = line.Value("output") ?? "-";
        var entries = Collect(line, io, format, outputPath);
        if (range is { } r)
        {
            if (line.Operands.Contains("-"))
            {
                throw new UsageException("--range needs sources that can be opened at an offset; standard input cannot");
            }

            var plan = format.CreatePlan(format.DeclaresCrcs ? await WithCrcsAsync(entries, cancellationToken) : Items(entries));
            var length = await plan.PredictLengthAsync(cancellationToken);
            if (!length.IsKnown)
            {
                throw new ArchiveException(null, $"a range needs an archive whose length is known in advance: {length.Reason}");
            }

            var end = r.End ?? length.Length!.Value;
            if (r.Start > end || end > length.Length)
            {
                throw new UsageException($"--range: {r.Start}-{end} is not inside the archive's {length.Length} bytes");
            }

            await using var rangeTarget = OutputTarget.Open(outputPath, io.OpenOutput);
            await plan.WriteRangeAsync(rangeTarget.Stream, r.Start, end, cancellationToken);
            await rangeTarget.CommitAsync();
            return 0;
        }

        var all = format.DeclaresCrcs ? await WithCrcsAsync(entries, cancellationToken) : Items(entries);
        await using var target = OutputTarget.Open(outputPath, io.OpenOutput);
        await using (var sink = format.CreateWriter(target.Stream))
        {
            await using var progress = ProgressDisplay.Start(io, line.Flag("quiet"), sink);
            foreach (var (entry, source) in all)
            {
                await sink.AddEntryAsync(entry, source, cancellationToken);
                progress?.MemberDone();
            }

            await sink.CompleteAsync(cancellationToken);
            progress?.Completed();
        }

        await target.CommitAsync();
        return 0;
    }

    /// <summary>The entries the SOURCEs name (nothing is opened yet), leaving out the output file itself.</summary>
    public static List<PlannedEntry> Collect(CommandLine line, StandardStreams io, CliFormat format, string outputPath)
    {
        if (line.Operands.Count == 0)
        {
            throw new UsageException("no SOURCE given (try --help)");
        }

        if (line.Operands.Count(o => o == "-") > 1)
        {
            throw new UsageException("standard input ('-') can be a SOURCE only once");
        }

        var excluded = outputPath == "-" ? null : Path.GetFullPath(outputPath);
        return SourceCollector.Collect(
            line.Operands,
            new CollectOptions(
                line.Value("stdin-name") ?? "stdin",
                format.StdinLength,
                ParseTime(line.Value("mtime")),
                io.OpenInput,
                path => path == excluded,
                FileOwner.Parse(line.Value("owner"), line.Value("group"), line.Flag("numeric-owner")),
                warning => io.Error.WriteLine($"formats: {warning}")));
    }

    public static List<ArchiveItem> Items(IEnumerable<PlannedEntry> entries) => [.. entries.Select(e => new ArchiveItem(e.Entry, e.Source))];

    /// <summary>
    /// The first pass of a format that declares CRC-32s: each file read once for its CRC-32 (standard input, which can be
    /// read only once, keeps an unknown CRC). With <paramref name="placeholders"/>, the CRCs are declared without reading
    /// anything: enough to measure the layout, whose length does not depend on their values.
    /// </summary>
    public static async Task<List<ArchiveItem>> WithCrcsAsync(List<PlannedEntry> entries, CancellationToken cancellationToken, bool placeholders = false)
    {
        var items = new List<ArchiveItem>(entries.Count);
        var buffer = new byte[1 << 20];
        foreach (var (entry, source) in entries)
        {
            if (source is null || entry.Crc32 is not null || entry.Length is null)
            {
                items.Add(new ArchiveItem(entry, source));
                continue;
            }

            if (placeholders)
            {
                items.Add(new ArchiveItem(SourceCollector.WithCrc(entry, 0), source));
                continue;
            }

            var crc = new System.IO.Hashing.Crc32();
            try
            {
                await using var stream = await source.OpenAsync(0, cancellationToken);
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    crc.Append(buffer.AsSpan(0, n));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // As the writer reports a failing source (an HTTP error is no IOException): named, in one line.
                throw new ArchiveException(entry.Name, $"source could not be read for its CRC-32: {ex.Message}", ex);
            }

            items.Add(new ArchiveItem(SourceCollector.WithCrc(entry, crc.GetCurrentHashAsUInt32()), source));
        }

        return items;
    }

    /// <summary>"START-END" (END exclusive) or "START-".</summary>
    public static (long Start, long? End)? ParseRange(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && (dash == text.Length - 1 || long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            long? end = dash == text.Length - 1 ? null : long.Parse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
            return (start, end);
        }

        throw new UsageException($"--range: '{text}' is not START-END or START- (byte offsets, END exclusive)");
    }

    public static int ParseLevel(string? level) => level switch
    {
        null or "optimal" => 6,
        "fastest" => 1,
        "smallest" => 9,
        [var d] when d is >= '0' and <= '9' => d - '0',
        _ => throw new UsageException($"--level: '{level}' is not fastest, optimal, smallest or 0-9"),
    };

    /// <summary>--stdin-length N: the exact length of standard input, when the user knows it.</summary>
    public static long? ParseStdinLength(CommandLine line)
    {
        if (line.Value("stdin-length") is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new UsageException($"--stdin-length: '{text}' is not a length in bytes");
        }

        return length;
    }

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
