using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Formats.Streaming;

namespace Formats;

/// <summary>One entry of an <see cref="ArchivePlan"/>: what it is and where its content comes from.</summary>
public sealed record ArchiveItem(ArchiveEntry Entry, EntrySource? Source = null)
{
    /// <summary>Options of this entry that only the plan's format understands (<c>ZipEntryOptions</c>), or null.</summary>
    public ArchiveEntryOptions? Options { get; init; }
}

/// <summary>The result of <see cref="ArchivePlan.PredictLengthAsync"/>: the exact length, or why it cannot be known in advance.</summary>
public readonly record struct LengthPrediction(long? Length, string? Reason)
{
    /// <summary>True when <see cref="Length"/> holds the exact archive length.</summary>
    public bool IsKnown => Length is not null;
}

/// <summary>
/// An archive described in full before it is written: its entries (with their sources) and the format's options. It can
/// tell the archive's exact length without opening a source, write the whole archive, or write any byte range of it,
/// opening only the sources that overlap the range at the offset they are needed from. Length, ranges and the whole
/// archive come from the same writer running the same layout code, so they cannot disagree. The same plan always
/// gives the same bytes, so <see cref="ETag"/> is a strong validator.
/// </summary>
/// <remarks>
/// Only archives whose layout follows from metadata can be sized and ranged: zip with stored entries, and uncompressed
/// tar; every file's length must be known. A stored zip entry that declares no CRC-32 has a data descriptor, and a range
/// reads it (without sending it) when a record inside the range holds its checksum, unless the zip options' CRC store
/// remembers it. Anything else says why.
/// </remarks>
public abstract partial class ArchivePlan
{
    private string? _etag;
    private StrongBox<(LengthPrediction Prediction, ArchiveErrorReason Reason)>? _length;
    private StrongBox<(LengthPrediction Prediction, ArchiveErrorReason Reason)>? _rangeableLength;

    private protected ArchivePlan(IEnumerable<ArchiveItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = ArchiveItemList.From(items);
    }

    /// <summary>The entries, in archive order.</summary>
    public IReadOnlyList<ArchiveItem> Items { get; private set; }

    /// <summary>
    /// The same plan over other sources of the same entries (read-ahead wrappers, which know the same lengths and
    /// times): the lengths and validator already measured stay valid, so a range is written without measuring again.
    /// </summary>
    internal ArchivePlan WithItems(IReadOnlyList<ArchiveItem> items)
    {
        var copy = (ArchivePlan)MemberwiseClone();
        copy.Items = items; // as given: read-ahead's items are made as they are read, never all at once
        return copy;
    }

    /// <summary>
    /// The time given to entries that declare no <see cref="ArchiveEntry.LastModified"/> and whose source knows none
    /// before it is opened: <see cref="ArchiveEntry.DefaultLastModified"/> unless set (to a manifest response's
    /// Last-Modified, say). Never the clock, so the same plan gives the same bytes and ETag in every process.
    /// </summary>
    public DateTimeOffset DefaultLastModified { get; init; } = ArchiveEntry.DefaultLastModified;

    /// <summary>
    /// A strong validator of the archive's bytes (quoted, as an HTTP ETag), derived from the entries, the options and
    /// where each source reads from (<see cref="EntrySource.Location"/>), never from the content.
    /// </summary>
    public string ETag => _etag ??= ComputeETag();

    /// <summary>The exact length of the archive, computed without opening any source; or the reason it cannot be known.</summary>
    public ValueTask<LengthPrediction> PredictLengthAsync(CancellationToken cancellationToken = default) =>
        PredictAsync(WriteMode.Measure, cancellationToken);

    /// <summary>
    /// The exact length when byte ranges of the archive can also be written (<see cref="WriteRangeAsync(Stream, long, long, CancellationToken)"/>),
    /// or the reason they cannot.
    /// </summary>
    public ValueTask<LengthPrediction> PredictRangeableLengthAsync(CancellationToken cancellationToken = default) =>
        PredictAsync(WriteMode.Range, cancellationToken);

    /// <summary>Writes the whole archive.</summary>
    public ValueTask WriteAsync(Stream output, CancellationToken cancellationToken = default) =>
        RunAsync(Writer(ArchiveOutput.Create(output, Encoder)), cancellationToken);

    /// <summary>Writes the whole archive to a pipe (flushed, not completed).</summary>
    public ValueTask WriteAsync(PipeWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(Writer(ArchiveOutput.Create(output, Encoder)), cancellationToken);

    /// <summary>
    /// Writes exactly bytes [<paramref name="start"/>, <paramref name="end"/>) of the archive (end exclusive): the same
    /// bytes the whole archive has there. Checks that the plan can be ranged and that the range lies inside the archive
    /// before writing anything.
    /// </summary>
    /// <exception cref="ArchiveException">The archive cannot be ranged (the message says why).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the archive.</exception>
    public ValueTask WriteRangeAsync(Stream output, long start, long end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WriteRangeAsync(() => ArchiveOutput.CreateRange(output, start, end), start, end, cancellationToken);
    }

    /// <summary>Writes exactly bytes [<paramref name="start"/>, <paramref name="end"/>) of the archive to a pipe.</summary>
    public ValueTask WriteRangeAsync(PipeWriter output, long start, long end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WriteRangeAsync(() => ArchiveOutput.CreateRange(output, start, end), start, end, cancellationToken);
    }

    private async ValueTask WriteRangeAsync(Func<ArchiveOutput> window, long start, long end, CancellationToken cancellationToken)
    {
        var length = await MeasureAsync(WriteMode.Range, cancellationToken).ConfigureAwait(false);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, length);
        await RunAsync(Writer(window()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The writer's options (compression, names): they enter the ETag.</summary>
    private protected abstract ArchiveWriterOptions WriterOptions { get; }

    /// <summary>The whole-archive encoder (gzip, zstd) of a whole write, or null: measure and range runs never compress.</summary>
    private protected virtual Func<Stream, Stream>? Encoder => null;

    /// <summary>The format's writer over <paramref name="output"/>.</summary>
    private protected abstract ArchiveWriter CreateWriter(ArchiveOutput output);

    /// <summary>The format's writer, bound to this plan: its default time, and no time learned when a source is opened.</summary>
    private ArchiveWriter Writer(ArchiveOutput output)
    {
        output.DisablePatching();
        var writer = CreateWriter(output);
        writer.Planned = true;
        writer.DefaultLastModified = DefaultLastModified;
        return writer;
    }

    /// <summary>
    /// Runs the writer over nothing: the layout is laid out in full and only counted. In <see cref="WriteMode.Range"/>
    /// it is held to what a range needs (an empty window opens no source). A plan's answer does not change, so each
    /// mode is measured once: a 206 measures once, then writes.
    /// </summary>
    private async ValueTask<long> MeasureAsync(WriteMode mode, CancellationToken cancellationToken)
    {
        if ((mode == WriteMode.Range ? _rangeableLength : _length) is { Value: var (known, reason) })
        {
            return known.Length ?? throw new ArchiveException(null, reason, known.Reason!);
        }

        var output = mode == WriteMode.Range ? ArchiveOutput.CreateRange(Stream.Null, 0, 0) : ArchiveOutput.CreateMeasure();
        var writer = Writer(output);
        var spans = mode == WriteMode.Range ? new List<(long Start, long Length)>(Items.Count) : null;
        writer.ContentSpans = spans;
        LengthPrediction result;
        try
        {
            writer.CheckPlannable();
            await RunAsync(writer, cancellationToken).ConfigureAwait(false);
            result = new LengthPrediction(output.Position, null);
            if (spans is not null && spans.Count == Items.Count)
            {
                _contentSpans = spans;
            }
        }
        catch (ArchiveException ex)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            Remember(mode, new LengthPrediction(null, ex.Message), ex.Reason);
            throw;
        }

        Remember(mode, result);
        return output.Position;
    }

    private void Remember(WriteMode mode, LengthPrediction prediction, ArchiveErrorReason reason = default)
    {
        var box = new StrongBox<(LengthPrediction, ArchiveErrorReason)>((prediction, reason));
        if (mode == WriteMode.Range)
        {
            _rangeableLength = box;
        }
        else
        {
            _length = box;
        }
    }

    /// <summary>A length, or the reason (from the writer's own refusal) that it cannot be known in advance.</summary>
    private async ValueTask<LengthPrediction> PredictAsync(WriteMode mode, CancellationToken cancellationToken)
    {
        try
        {
            return new LengthPrediction(await MeasureAsync(mode, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ArchiveException ex)
        {
            return new LengthPrediction(null, ex.Message);
        }
    }

    /// <summary>Writes every item through <paramref name="writer"/>, completes it, and disposes it (aborting on failure).</summary>
    private async ValueTask RunAsync(ArchiveWriter writer, CancellationToken cancellationToken)
    {
        await using (writer.ConfigureAwait(false))
        {
            writer.ExpectEntries(Items.Count);
            foreach (var item in Items)
            {
                await writer.AddEntryAsync(item.Entry, item.Source, item.Options, cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A plan of one format, with that format's writer options.</summary>
public abstract class ArchivePlan<TOptions> : ArchivePlan
    where TOptions : ArchiveWriterOptions
{
    private protected ArchivePlan(IEnumerable<ArchiveItem> items, TOptions options)
        : base(items)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The writer's options.</summary>
    public TOptions Options { get; }

    private protected override ArchiveWriterOptions WriterOptions => Options;
}
