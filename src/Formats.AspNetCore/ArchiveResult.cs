using Formats.Tar;
using Formats.Zip;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Formats.AspNetCore;

/// <summary>
/// An endpoint result (Minimal API, and MVC actions returning <see cref="IResult"/>) that streams an archive of
/// <see cref="Items"/> to the response while it is generated, asynchronously end to end.
/// </summary>
/// <remarks>
/// <para>When the archive's length can be known in advance (stored zip, plain tar; see docs/ranges.md) the response has
/// <c>Content-Length</c>, <c>ETag</c> and <c>Last-Modified</c>, answers <c>HEAD</c> with the same headers, and, when
/// ranges are possible, <c>Accept-Ranges: bytes</c> with single <c>Range</c> requests answered 206 (416 when
/// unsatisfiable) and <c>If-Range</c> honoured. Otherwise it is sent chunked and claims no ranges.</para>
/// <para>A failure after the headers went out aborts the connection, so the client sees a broken transfer, never a
/// clean end; a failure before any byte gives 502. A client that goes away cancels the work and disposes open sources.</para>
/// </remarks>
public sealed class ArchiveResult : IResult
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

        Items = [.. items];
        Format = format;
        FileName = fileName;
    }

    /// <summary>The entries, in archive order.</summary>
    public IReadOnlyList<ArchiveItem> Items { get; }

    /// <summary>The archive format.</summary>
    public ArchiveFormat Format { get; }

    /// <summary>The download's file name without extension.</summary>
    public string FileName { get; }

    /// <summary>Zip options. The default stores members: downloads of many large files are mostly compressed media, and a stored zip can be sized and ranged.</summary>
    public ZipWriterOptions ZipOptions { get; init; } = new() { Method = ZipCompressionMethod.Stored };

    /// <summary>Compression level (0–9) of tar.gz and tar.zst.</summary>
    public int CompressionLevel { get; init; } = 6;

    /// <summary>The time of entries without one (and of the plan's validator); fix it for ETags that agree across servers.</summary>
    public DateTimeOffset? DefaultLastModified { get; init; }

    /// <summary>
    /// How many entries ahead are opened while one streams (0: none), each read into a buffer of at most
    /// <see cref="ReadAheadBufferBytes"/>: hides the latency of remote sources behind the transfer.
    /// </summary>
    public int ReadAheadDepth { get; init; } = 4;

    /// <summary>The read-ahead buffer of each entry.</summary>
    public int ReadAheadBufferBytes { get; init; } = 256 * 1024;

    /// <summary>The plan this result sends.</summary>
    public ArchivePlan CreatePlan() => CreatePlan(Items, DefaultTime());

    private DateTimeOffset DefaultTime() => DefaultLastModified ?? DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private ArchivePlan CreatePlan(IReadOnlyList<ArchiveItem> items, DateTimeOffset defaultTime)
    {
        return Format switch
        {
            ArchiveFormat.Zip => new ZipArchivePlan(items, ZipOptions) { DefaultLastModified = defaultTime },
            ArchiveFormat.Tar => new TarArchivePlan(items, new TarWriterOptions { Compression = TarCompression.None }) { DefaultLastModified = defaultTime },
            ArchiveFormat.TarGzip => new TarArchivePlan(items, new TarWriterOptions { Compression = TarCompression.Gzip, CompressionLevel = CompressionLevel }) { DefaultLastModified = defaultTime },
            _ => new TarArchivePlan(items, new TarWriterOptions { Compression = TarCompression.Zstandard, CompressionLevel = CompressionLevel }) { DefaultLastModified = defaultTime },
        };
    }

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var request = httpContext.Request;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var logger = httpContext.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger<ArchiveResult>() ?? (ILogger)NullLogger.Instance;
        var defaultTime = DefaultTime();
        var plan = CreatePlan(Items, defaultTime);

        // The archive goes out as it is made: no response buffering, and no response compression, which would break
        // the promised Content-Length and ranges (and gains nothing on compressed or stored-media archives).
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (httpContext.Features.Get<IHttpsCompressionFeature>() is { } compression)
        {
            compression.Mode = HttpsCompressionMode.DoNotCompress;
        }
        response.ContentType = Format.ContentType();
        response.Headers.ContentDisposition = ContentDisposition.Attachment(FileName + Format.Extension());

        var rangeable = await plan.PredictRangeableLengthAsync(cancellationToken).ConfigureAwait(false);
        var length = rangeable.IsKnown ? rangeable : await plan.PredictLengthAsync(cancellationToken).ConfigureAwait(false);
        (long Start, long End)? range = null;
        if (length.Length is { } total)
        {
            var headers = response.GetTypedHeaders();
            var etag = plan.ETag;
            var lastModified = LastModified(plan);
            response.Headers.ETag = etag;
            headers.LastModified = lastModified;
            if (rangeable.IsKnown)
            {
                response.Headers.AcceptRanges = "bytes";
                switch (HttpRange.Select(request.GetTypedHeaders(), etag, lastModified, total))
                {
                    case HttpRange.Outcome.Unsatisfiable:
                        response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                        response.Headers.ContentRange = $"bytes */{total}";
                        return;
                    case HttpRange.Outcome.Partial partial:
                        range = (partial.Start, partial.End);
                        response.StatusCode = StatusCodes.Status206PartialContent;
                        response.Headers.ContentRange = $"bytes {partial.Start}-{partial.End - 1}/{total}";
                        break;
                }
            }

            response.ContentLength = range is { } r ? r.End - r.Start : total;
        }
        else if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("archive {FileName} is sent chunked: {Reason}", FileName, length.Reason);
        }

        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        // The same plan over read-ahead sources: the same metadata, so the same bytes, length and validator.
        var readAhead = ReadAhead.Create(Items, ReadAheadDepth, ReadAheadBufferBytes);
        await using var readAheadScope = readAhead.ConfigureAwait(false);
        var sending = CreatePlan(readAhead.Items, defaultTime);
        try
        {
            if (range is { } r)
            {
                await sending.WriteRangeAsync(response.BodyWriter, r.Start, r.End, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await sending.WriteAsync(response.BodyWriter, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the writer has disposed the open sources.
        }
        catch (Exception ex) when (ex is ArchiveException or IOException or HttpRequestException or InvalidEntryNameException)
        {
            logger.LogError(ex, "archive {FileName} failed", FileName);
            if (!response.HasStarted)
            {
                response.Headers.Clear();
                response.StatusCode = StatusCodes.Status502BadGateway;
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync($"the archive could not be made: {ex.Message}\n", CancellationToken.None).ConfigureAwait(false);
                return;
            }

            // Headers (and perhaps Content-Length) are out: only a broken connection tells the client.
            httpContext.Abort();
        }
    }

    private static DateTimeOffset LastModified(ArchivePlan plan)
    {
        var latest = plan.Items.Select(i => i.Entry.LastModified ?? plan.DefaultLastModified).DefaultIfEmpty(plan.DefaultLastModified).Max();
        return DateTimeOffset.FromUnixTimeSeconds(latest.ToUnixTimeSeconds());
    }
}
