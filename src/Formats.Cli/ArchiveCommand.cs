using System.Globalization;

namespace Formats.Cli;

/// <summary>What a command needs of its format: a writer, a plan (for sizes and ranges), and what ranges and standard input require.</summary>
/// <param name="CreateWriter">The format's writer over an output.</param>
/// <param name="CreatePlan">The format's plan of items, for sizes and ranges.</param>
/// <param name="DeclaresCrcs">
/// The format's layout depends on whether file CRC-32s are declared (stored zip: sizes in the local header, no
/// descriptor), so every command declares them, computed by a first read of each file, for full archives, ranges and
/// sizes alike, and all three agree.
/// </param>
/// <param name="StdinLength">The length standard input declares (<c>--stdin-length</c>), or null.</param>
/// <param name="Rewrite">
/// When set, turns the collected items into the ones written (zip's <c>--raw-from-gzip</c>), for full archives, ranges
/// and sizes alike.
/// </param>
/// <param name="AddWithOptions">Adds an item that carries the format's <see cref="ArchiveItem.Options"/> to the format's writer.</param>
/// <param name="SpecialFiles">The format holds character and block devices and FIFOs as entries (tar).</param>
/// <param name="Sparse">Files are read as sparse files (tar's <c>--sparse</c>).</param>
/// <param name="CrcAfterData">
/// To a seekable output the writer puts a stored member's CRC-32 into its local header after its data (zip unencrypted;
/// ZipCrypto needs the CRC before the data), so files need not be read first there.
/// </param>
internal sealed record CliFormat(
    Func<Stream, IArchiveSink> CreateWriter,
    Func<IEnumerable<ArchiveItem>, ArchivePlan> CreatePlan,
    bool DeclaresCrcs,
    long? StdinLength,
    Func<List<ArchiveItem>, CancellationToken, Task<List<ArchiveItem>>>? Rewrite = null,
    Func<IArchiveSink, ArchiveItem, CancellationToken, ValueTask>? AddWithOptions = null,
    bool SpecialFiles = false,
    bool Sparse = false,
    bool CrcAfterData = true)
{
    /// <summary>Adds <paramref name="item"/> to <paramref name="sink"/>, with its format options if it has any.</summary>
    public ValueTask AddAsync(IArchiveSink sink, ArchiveItem item, CancellationToken cancellationToken) =>
        item.Options is null ? sink.AddEntryAsync(item.Entry, item.Source, cancellationToken) : AddWithOptions!(sink, item, cancellationToken);

    /// <summary>The items as this format writes them.</summary>
    public Task<List<ArchiveItem>> RewriteAsync(List<ArchiveItem> items, CancellationToken cancellationToken) =>
        Rewrite is null ? Task.FromResult(items) : Rewrite(items, cancellationToken);
}

/// <summary>What <c>formats zip</c> and <c>formats tar</c> share: the common options, SOURCE collection, the output target and the write loop.</summary>
internal static partial class ArchiveCommand
{
    public static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal) { ["-h"] = "help", ["--help"] = "help", ["-q"] = "quiet", ["--quiet"] = "quiet" };

    /// <summary>The flags of <c>formats zip</c> and <c>formats tar</c>.</summary>
    public static readonly Dictionary<string, string> ArchiveFlags = new(Flags, StringComparer.Ordinal)
    {
        ["--numeric-owner"] = "numeric-owner", ["--allow-colliding-names"] = "allow-colliding-names",
    };

    /// <summary>The flags of <c>formats tar</c>: the archive flags and --sparse.</summary>
    public static readonly Dictionary<string, string> TarFlags = new(ArchiveFlags, StringComparer.Ordinal) { ["-S"] = "sparse", ["--sparse"] = "sparse" };

    /// <summary>The name policy the command line asks for: the default, or one that allows colliding names.</summary>
    public static EntryNamePolicy NamePolicy(CommandLine line) =>
        line.Flag("allow-colliding-names") ? new EntryNamePolicy { AllowCollidingNames = true } : EntryNamePolicy.Default;

    /// <summary>What zip does with SOURCEs that are not files, directories or links, in its help.</summary>
    public const string SpecialFilesHelp = """
        FIFOs, sockets and devices are not files to archive (zip has no entries for them), and opening a FIFO
        would wait forever: named as a SOURCE (or by a manifest) they are refused; met inside a DIRECTORY they are
        skipped, with one warning line each on standard error. To archive what a FIFO gives, pipe it into '-'.
        """;

    /// <summary>What tar does with them, in its help.</summary>
    public const string TarSpecialFilesHelp = """
        Character and block devices and FIFOs, named as a SOURCE or met inside a DIRECTORY, are written as tar's
        own types (with the device's major and minor numbers) and never opened, as GNU tar does; extracting them
        as root recreates them. Sockets have no tar type: named as a SOURCE they are refused, inside a DIRECTORY
        skipped with a warning line on standard error. A manifest names files only. To archive what a FIFO
        gives, pipe it into '-'.
        """;

    /// <summary>
    /// The help of what zip and tar share, from --owner to the name rules: option names at two spaces, their text at
    /// <paramref name="column"/>; the lines of <paramref name="ownerNote"/> end the --owner text (what the format keeps of owners).
    /// </summary>
    public static string SharedHelp(int column, params string[] ownerNote)
    {
        string Option(string name, params string[] lines)
        {
            var pad = new string(' ', column);
            var first = name.Length + 2 < column - 1 ? ("  " + name).PadRight(column) + lines[0] : "  " + name + "\n" + pad + lines[0];
            return string.Join("\n", [first, .. lines.Skip(1).Select(l => pad + l)]);
        }

        return string.Join("\n",
            Option("--owner NAME[:UID]", ["owner of every entry: NAME with id UID, or a user name or id alone (the other", "half from this system's user database). Default: each file's own owner, and for", "standard input and URLs id 0 and no name" + ownerNote.FirstOrDefault(), .. ownerNote.Skip(1)]),
            Option("--group NAME[:GID]", "group of every entry, in the same way"),
            Option("--numeric-owner", "ids only, no user and group names"),
            Option("--allow-colliding-names", "allow names that overwrite each other when extracted (Photo.jpg and photo.jpg,", "two Unicode forms of one name, a file a beside a/b); refused by default"),
            Option("-h, --help", "this help"),
            Option("-q, --quiet", "no progress line; one is drawn on standard error only when it is a terminal"),
            "",
            "Entry names are checked before anything of an entry is written: absolute paths, drive letters, '.' and '..'",
            "segments, control characters, duplicates, symbolic links that point outside the archive, and (unless",
            "--allow-colliding-names) names that would overwrite each other when extracted are refused.");
    }

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

    /// <summary>An archive command: its help when asked, else the SOURCEs written in the format the line configures.</summary>
    public static async Task<int> RunAsync(CommandLine line, string help, Func<CommandLine, Task<CliFormat>> format, StandardStreams io, CancellationToken cancellationToken)
    {
        if (line.Flag("help"))
        {
            await io.Out.WriteAsync(help);
            return 0;
        }

        return await WriteAsync(line, io, await format(line), cancellationToken);
    }

    /// <summary>Collects the SOURCEs, then writes them (or the --range of them) in <paramref name="format"/> to the output.</summary>
    public static async Task<int> WriteAsync(CommandLine line, StandardStreams io, CliFormat format, CancellationToken cancellationToken)
    {
        var range = ParseRange(line.Value("range"));
        var outputPath = line.Path("output") ?? "-";
        var entries = Collect(line, io, format, outputPath);
        if (range is { } r)
        {
            if (line.Operands.Contains("-"))
            {
                throw new UsageException("--range needs sources that can be opened at an offset; standard input cannot");
            }

            await using var crcStore = line.Path("crc-store") is { } store ? CrcStores.Open(store) : null;
            var plan = format.CreatePlan(await format.RewriteAsync(format.DeclaresCrcs ? await WithCrcsAsync(entries, cancellationToken, crcStore: crcStore) : Items(entries), cancellationToken));
            var length = await plan.PredictLengthAsync(cancellationToken);
            if (!length.IsKnown)
            {
                throw new ArchiveException(null, ArchiveErrorReason.NotPlannable, $"a range needs an archive whose length is known in advance: {length.Reason}");
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

        // To a seekable output (-o FILE) a stored zip member's CRC-32 goes into its header after its data: one read of
        // each file. To a pipe, each is read first for its CRC-32, so that its header carries it: the same bytes. A
        // source read only once (standard input) is never read first: to a pipe its stored member has a descriptor, so
        // with one among the SOURCEs a file is written as a pipe is (files read first, nothing patched), and so it is
        // when the writer cannot patch (ZipCrypto): the same bytes again.
        await using var target = OutputTarget.Open(outputPath, io.OpenOutput);
        var asToPipe = WritesAsToPipe(format, target.Stream, entries);
        var all = await format.RewriteAsync(asToPipe ? await WithCrcsAsync(entries, cancellationToken) : Items(entries), cancellationToken);
        await using (var sink = format.CreateWriter(asToPipe && target.Stream.CanSeek ? new ForwardOnlyOutput(target.Stream) : target.Stream))
        {
            await using var progress = ProgressDisplay.Start(io, line.Flag("quiet"), sink);
            foreach (var item in all)
            {
                await format.AddAsync(sink, item, cancellationToken);
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
                warning => io.Error.WriteLine($"formats: {warning}"),
                format.SpecialFiles,
                format.Sparse));
    }

    public static List<ArchiveItem> Items(IEnumerable<PlannedEntry> entries) => [.. entries.Select(e => new ArchiveItem(e.Entry, e.Source))];

    /// <summary>
    /// The value of <paramref name="option"/>, one of <paramref name="choices"/> by name (the first when the option is
    /// not given); a usage error naming them all otherwise.
    /// </summary>
    public static T Choice<T>(CommandLine line, string option, params (string Name, T Value)[] choices)
    {
        var text = line.Value(option);
        if (text is null)
        {
            return choices[0].Value;
        }

        foreach (var (name, value) in choices)
        {
            if (name == text)
            {
                return value;
            }
        }

        var names = choices.Select(c => c.Name).ToArray();
        throw new UsageException($"--{option}: '{text}' is not {string.Join(", ", names[..^1])} or {names[^1]}");
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
        null or "optimal" => ArchiveWriterOptions.DefaultCompressionLevel,
        "fastest" => 1,
        "smallest" => 9,
        [var d] when d is >= '0' and <= '9' => d - '0',
        _ => throw new UsageException($"--level: '{level}' is not fastest, optimal, smallest or 0-9"),
    };

    /// <summary>--stdin-length N: the exact length of standard input, when the user knows it.</summary>
    public static long? ParseStdinLength(CommandLine line) => line.Number("stdin-length", 0, long.MaxValue);

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
