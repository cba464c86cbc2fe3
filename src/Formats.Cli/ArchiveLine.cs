using System.CommandLine;
using System.Globalization;

namespace Formats.Cli;

/// <summary>
/// The options <c>formats zip</c> and <c>formats tar</c> share (and <c>formats size zip|tar</c> with them), declared
/// once: what differs between the formats comes in as text. <see cref="AddTo"/> adds them in the help's order around
/// the format's own options.
/// </summary>
/// <param name="ownerNote">what the format keeps of owners, at the end of --owner's text</param>
/// <param name="rangeNeeds">what --range needs of the format's options</param>
/// <param name="stdinLengthNote">what a known length of standard input changes in the format</param>
internal sealed class ArchiveLine(string ownerNote, string rangeNeeds, string stdinLengthNote)
{
    /// <summary>What the help says after the options of zip and tar.</summary>
    public const string NameRules = """
        Entry names are checked before anything of an entry is written: absolute paths, drive letters, '.' and '..'
        segments, control characters, duplicates, symbolic links that point outside the archive, and (unless
        --allow-colliding-names) names that would overwrite each other when extracted are refused.
        """;

    public Argument<string[]> Sources { get; } = new("SOURCE") { Arity = ArgumentArity.ZeroOrMore, DefaultValueFactory = _ => [] };

    public Option<string> Output { get; } = CliOptions.Path("--output", "PATH",
        "where to write the archive; '-' (the default) is standard output. A regular file is written beside PATH and renamed onto it on success; a device or pipe (/dev/null, a FIFO) is written in place.",
        "-o");

    public Option<int> Level { get; } = CliOptions.Value("--level", "LEVEL", "fastest, optimal, smallest, or 0-9 on zlib's scale",
        TryLevel, "fastest, optimal, smallest or 0-9", ArchiveWriterOptions.DefaultCompressionLevel, "optimal");

    public Option<DateTimeOffset?> Mtime { get; } = CliOptions.Value<DateTimeOffset?>("--mtime", "TIME",
        "one ISO-8601 time for every entry, e.g. 2024-01-01T00:00:00Z, for reproducible output", TryTime, "an ISO-8601 time such as 2024-01-01T00:00:00Z");

    public Option<string> StdinName { get; } = CliOptions.Text("--stdin-name", "NAME", "entry name for '-'", "stdin");

    public Option<long?> StdinLength { get; } = CliOptions.OptionalNumber("--stdin-length", "N", 0, long.MaxValue,
        "the exact length of standard input, in bytes" + stdinLengthNote);

    public Option<(long Start, long? End)?> Range { get; } = CliOptions.Value<(long Start, long? End)?>("--range", "START-END",
        $"write only bytes START to END-1 of the archive (END exclusive; 'START-' runs to the end): the same bytes the whole archive has there. {rangeNeeds}",
        TryRange, "START-END or START- (byte offsets, END exclusive)");

    public Option<string> Owner { get; } = CliOptions.Text("--owner", "NAME[:UID]",
        "owner of every entry: NAME with id UID, or a user name or id alone (the other half from this system's user database). Default: each file's own owner, and for standard input and URLs id 0 and no name" + ownerNote);

    public Option<string> Group { get; } = CliOptions.Text("--group", "NAME[:GID]", "group of every entry, in the same way");

    public Option<bool> NumericOwner { get; } = CliOptions.Flag("--numeric-owner", "ids only, no user and group names");

    public Option<bool> AllowCollidingNames { get; } = CliOptions.Flag("--allow-colliding-names",
        "allow names that overwrite each other when extracted (Photo.jpg and photo.jpg, two Unicode forms of one name, a file a beside a/b); refused by default");

    public Option<bool> Quiet { get; } = CliOptions.Flag("--quiet", "no progress line; one is drawn on standard error only when it is a terminal", "-q");

    /// <summary>
    /// The command <paramref name="name"/> with these options in the help's order: the output, then
    /// <paramref name="before"/> (the format's options on how it writes), the time, standard input and range,
    /// <paramref name="after"/>, and the owners, names and quiet. <paramref name="action"/> runs it.
    /// </summary>
    public CliCommand Command(string name, string summary, string intro, string epilogue, IEnumerable<Option> before, IEnumerable<Option> after, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var command = new CliCommand(name, summary) { Intro = intro, Epilogue = NameRules + "\n" + epilogue };
        command.Arguments.Add(Sources);
        foreach (var option in (Option[])[Output, .. before, Mtime, StdinName, StdinLength, Range, .. after, Owner, Group, NumericOwner, AllowCollidingNames, Quiet])
        {
            command.Options.Add(option);
        }

        command.SetAction(action);
        return command;
    }

    /// <summary>The name policy the command line asks for: the default, or one that allows colliding names.</summary>
    public EntryNamePolicy NamePolicy(ParseResult line) =>
        line.GetValue(AllowCollidingNames) ? new EntryNamePolicy { AllowCollidingNames = true } : EntryNamePolicy.Default;

    /// <summary>The SOURCEs as given.</summary>
    public IReadOnlyList<string> Operands(ParseResult line) => line.GetValue(Sources) ?? [];

    /// <summary>Whether standard input ('-') is among the SOURCEs.</summary>
    public bool ReadsStdin(ParseResult line) => Operands(line).Contains("-");

    /// <summary>The entries the SOURCEs name (nothing is opened yet), leaving out the output file itself.</summary>
    public List<PlannedEntry> Collect(ParseResult line, StandardStreams io, CliFormat format)
    {
        var operands = Operands(line);
        if (operands.Count == 0)
        {
            throw new UsageException("no SOURCE given (try --help)");
        }

        if (operands.Count(o => o == "-") > 1)
        {
            throw new UsageException("standard input ('-') can be a SOURCE only once");
        }

        var outputPath = line.GetValue(Output) ?? "-";
        var excluded = outputPath == "-" ? null : System.IO.Path.GetFullPath(outputPath);
        return SourceCollector.Collect(
            [.. operands],
            new CollectOptions(
                line.GetValue(StdinName)!,
                format.StdinLength,
                line.GetValue(Mtime),
                io.OpenInput,
                path => path == excluded,
                FileOwner.Parse(line.GetValue(Owner), line.GetValue(Group), line.GetValue(NumericOwner)),
                warning => io.Error.WriteLine($"formats: {warning}"),
                format.SpecialFiles,
                format.Sparse));
    }

    private static bool TryLevel(string text, out int level)
    {
        level = text switch
        {
            "optimal" => ArchiveWriterOptions.DefaultCompressionLevel,
            "fastest" => 1,
            "smallest" => 9,
            [var d] when d is >= '0' and <= '9' => d - '0',
            _ => -1,
        };
        return level >= 0;
    }

    private static bool TryTime(string text, out DateTimeOffset? time)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed);
        time = parsed;
        return ok;
    }

    /// <summary>"START-END" (END exclusive) or "START-".</summary>
    private static bool TryRange(string text, out (long Start, long? End)? range)
    {
        range = null;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        if (dash == text.Length - 1)
        {
            range = (start, null);
            return true;
        }

        if (!long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var end))
        {
            return false;
        }

        range = (start, end);
        return true;
    }
}
