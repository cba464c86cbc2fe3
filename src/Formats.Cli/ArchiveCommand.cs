using System.CommandLine;

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

/// <summary>What <c>formats zip</c> and <c>formats tar</c> share: the write loop over the SOURCEs, to the output target.</summary>
internal static partial class ArchiveCommand
{
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
    /// Collects the SOURCEs, then writes them (or the --range of them) in <paramref name="format"/> to the output;
    /// <paramref name="crcStore"/> is where a range's CRC-32s are remembered (zip's --crc-store).
    /// </summary>
    public static async Task<int> WriteAsync(ParseResult line, ArchiveLine archive, StandardStreams io, CliFormat format, string? crcStore, CancellationToken cancellationToken)
    {
        var range = line.GetValue(archive.Range);
        var outputPath = line.GetValue(archive.Output) ?? "-";
        var entries = archive.Collect(line, io, format);
        if (range is { } r)
        {
            if (archive.ReadsStdin(line))
            {
                throw new UsageException("--range needs sources that can be opened at an offset; standard input cannot");
            }

            await using var store = crcStore is null ? null : CrcStores.Open(crcStore);
            var plan = format.CreatePlan(await format.RewriteAsync(format.DeclaresCrcs ? await WithCrcsAsync(entries, cancellationToken, crcStore: store) : Items(entries), cancellationToken));
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
            await using var progress = ProgressDisplay.Start(io, line.GetValue(archive.Quiet), sink);
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

    public static List<ArchiveItem> Items(IEnumerable<PlannedEntry> entries) => [.. entries.Select(e => new ArchiveItem(e.Entry, e.Source))];
}
