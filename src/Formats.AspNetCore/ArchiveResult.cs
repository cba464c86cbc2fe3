using Formats.Http;
using Formats.Tar;
using Formats.Zip;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCore;

/// <summary>
/// An endpoint result (Minimal API, and MVC actions returning <see cref="IResult"/>) that streams an archive of
/// <see cref="Items"/> to the response while it is generated, asynchronously end to end.
/// </summary>
/// <remarks>
/// <para>When the archive's length can be known in advance (stored zip, plain tar; see docs/ranges.md) the response has
/// <c>Content-Length</c>, <c>ETag</c> and <c>Last-Modified</c>, answers <c>HEAD</c> with the same headers, and, when
/// ranges are possible, <c>Accept-Ranges: bytes</c> with <c>Range</c> requests answered 206 (several ranges as
/// <c>multipart/byteranges</c>, at most 16 and none overlapping; 416 when unsatisfiable) and <c>If-Range</c> honoured, after <c>If-Match</c>, <c>If-Unmodified-Since</c> (412),
/// <c>If-None-Match</c> and <c>If-Modified-Since</c> (304) in RFC 9110 §13.2.2's order. Otherwise it is sent chunked and claims no ranges. Nothing comes from
/// the clock: the same items give the same bytes and ETag in every request and process. The ETag is strong only when
/// ranges are possible (every byte follows from the entries' metadata), weak otherwise. <c>Last-Modified</c> is the
/// latest entry time, never later than <c>Date</c> (a future time is replaced by <c>Date</c>), and an <c>If-Range</c>
/// date matches only a Last-Modified at least a second before <c>Date</c>.</para>
/// <para>Entry names are checked with the format's name policy before anything is sent: a refused name gives 400 naming
/// the rule. A failure while the first bytes (up to 128 KiB, held back) are not yet sent gives a status carrying only the
/// error, chosen by its <see cref="ArchiveException.Reason"/>: 502 when a source or the items failed, 504 when a source
/// did not answer or deliver in time, 500 when this side did; a later one aborts the connection, so the client sees a broken transfer, never a clean end. A client that
/// goes away cancels the work and disposes open sources.</para>
/// </remarks>
public sealed partial class ArchiveResult : IResult
{
    /// <summary>An archive of <paramref name="items"/> in <paramref name="format"/>, offered as <paramref name="fileName"/> plus the format's extension.</summary>
    public ArchiveResult(IEnumerable<ArchiveItem> items, ArchiveFormat format, string fileName)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format));
        }

        Items = ArchiveItemList.From(items);
        Format = format;
        FileName = fileName;
    }

    /// <summary>The entries, in archive order.</summary>
    public IReadOnlyList<ArchiveItem> Items { get; }

    /// <summary>The archive format.</summary>
    public ArchiveFormat Format { get; }

    /// <summary>The download's file name without extension.</summary>
    public string FileName { get; }

    /// <summary>
    /// Zip options. The default stores members (downloads of many large files are mostly compressed media, and a stored
    /// zip can be sized and ranged) and remembers CRC-32s in this process's memory (<see cref="SharedCrcStore"/>), so a
    /// resume reads no member before it that an earlier download read.
    /// </summary>
    public ZipWriterOptions ZipOptions { get; init; } = new() { Method = ZipCompressionMethod.Stored, CrcStore = SharedCrcStore };

    /// <summary>The CRC-32 store of the default <see cref="ZipOptions"/>: memory, shared by every result of the process.</summary>
    public static MemoryCrcStore SharedCrcStore { get; } = new();

    /// <summary>
    /// Tar options: the compression level of tar.gz and tar.zst, and the name policy. The compression itself follows
    /// <see cref="Format"/> (its <see cref="TarWriterOptions.Compression"/> is not used).
    /// </summary>
    public TarWriterOptions TarOptions { get; init; } = TarWriterOptions.Default;

    /// <summary>
    /// The time of entries that declare none and whose source knows none before it is opened (a file source gives its
    /// mtime); null: <see cref="ArchiveEntry.DefaultLastModified"/> (1980-01-01Z). Never the clock, so the same items give
    /// the same bytes and ETag in every request and every process.
    /// </summary>
    public DateTimeOffset? DefaultLastModified { get; init; }

    /// <summary>
    /// How many entries ahead are opened while one streams (0: none), each read into a buffer of at most
    /// <see cref="ReadAheadBufferBytes"/>: hides the latency of remote sources behind the transfer.
    /// </summary>
    public int ReadAheadDepth { get; init; } = 4;

    /// <summary>The read-ahead buffer of each entry.</summary>
    public int ReadAheadBufferBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// The connections and bytes read-ahead may hold at once across every archive that shares it (default
    /// <see cref="Http.ReadAheadBudget.Shared"/>: 64 connections, 16 MiB, for the whole process); past it, entries are
    /// opened when their turn comes.
    /// </summary>
    public ReadAheadBudget ReadAheadBudget { get; init; } = ReadAheadBudget.Shared;

    /// <summary>The plan this result sends.</summary>
    public ArchivePlan CreatePlan() => CreatePlan(Items);

    /// <summary>
    /// The Content-Disposition to send as given (an app's own, passed through by the archive responses middleware);
    /// null: <c>attachment</c> with <see cref="FileName"/> and the format's extension.
    /// </summary>
    internal string? ContentDispositionValue { get; init; }

    /// <summary>Headers set on the archive's response as given (Cache-Control and Set-Cookie from an app), not on errors.</summary>
    internal IReadOnlyList<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> ExtraHeaders { get; init; } = [];

    /// <summary>What the last <see cref="ExecuteAsync"/> did: its outcome and the archive bytes it handed to the response.</summary>
    internal (string Outcome, long BytesSent) Report { get; private set; } = ("not run", 0);

    /// <summary>Why the last <see cref="ExecuteAsync"/> did not complete (the error's message), or null.</summary>
    internal string? Reason { get; private set; }

    /// <summary>How many bytes of the response are held back until the writer flushes past them: a failure inside them still gets a clean 502.</summary>
    internal const int HeldResponseBytes = 128 * 1024;

    private ArchivePlan CreatePlan(IReadOnlyList<ArchiveItem> items)
    {
        var defaultTime = DefaultLastModified ?? ArchiveEntry.DefaultLastModified;
        return Format == ArchiveFormat.Zip
            ? new ZipArchivePlan(items, ZipOptions) { DefaultLastModified = defaultTime }
            : new TarArchivePlan(items, TarOptionsFor(Format)) { DefaultLastModified = defaultTime };
    }

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var logger = httpContext.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger<ArchiveResult>() ?? (ILogger)NullLogger.Instance;
        var plan = CreatePlan(Items);

        // One measuring run lays out every entry, names included: a refused name is the request's fault (400), never a
        // 500 or an archive cut short. The plan remembers the length, so a range is then written without measuring again.
        LengthPrediction rangeable, length;
        try
        {
            rangeable = await plan.PredictRangeableLengthAsync(cancellationToken).ConfigureAwait(false);
            length = rangeable.IsKnown ? rangeable : await plan.PredictLengthAsync(cancellationToken).ConfigureAwait(false);
            if (!length.IsKnown)
            {
                // The layout stopped at an entry it cannot size: the names after it are checked on their own.
                await CheckNamesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidEntryNameException ex)
        {
            Report = ("refused name", 0);
            Reason = ex.Message;
            await WriteErrorAsync(response, StatusCodes.Status400BadRequest, $"the archive could not be made: {ex.Message}").ConfigureAwait(false);
            return;
        }

        var range = WriteHeaders(httpContext, plan, rangeable, length, logger);
        if (range is not { } window)
        {
            return;
        }

        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            Report = ("headers only", 0);
            return;
        }

        await SendAsync(httpContext, plan, window, logger).ConfigureAwait(false);
    }

    /// <summary>
    /// Lays out the entries' metadata alone (no source is opened, every file as if empty) through the format's own
    /// writer and name policy, so a name it would refuse halfway through the archive is refused before the first byte.
    /// </summary>
    private async ValueTask CheckNamesAsync(CancellationToken cancellationToken)
    {
        var names = Items.Select(i => new ArchiveItem(Empty(i.Entry)));
        ArchivePlan check = Format == ArchiveFormat.Zip
            ? new ZipArchivePlan(names, new ZipWriterOptions { Method = ZipCompressionMethod.Stored, NamePolicy = ZipOptions.NamePolicy })
            : new TarArchivePlan(names, new TarWriterOptions { Compression = TarCompression.None, NamePolicy = TarOptions.NamePolicy });
        await check.PredictLengthAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><see cref="TarOptions"/> with the compression of <paramref name="format"/>.</summary>
    private TarWriterOptions TarOptionsFor(ArchiveFormat format) => TarOptions with
    {
        Compression = format switch
        {
            ArchiveFormat.TarGzip => TarCompression.Gzip,
            ArchiveFormat.TarZstandard => TarCompression.Zstandard,
            _ => TarCompression.None,
        },
    };

    /// <summary>The entry with no content: what a check of names alone lays out.</summary>
    private static ArchiveEntry Empty(ArchiveEntry e) => new(e)
    {
        Length = e.Kind == EntryKind.File ? 0 : e.Length,
        Crc32 = e.Kind == EntryKind.File ? 0 : e.Crc32,
    };
}
