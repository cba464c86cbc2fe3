using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Formats.Streaming;
using Formats.Zip.Encoding;
using Formats.Zip.Records;
using Formats.Zip.Sources;

namespace Formats.Zip;

/// <summary>
/// Writes a ZIP archive as a stream, to a <see cref="Stream"/> (seekable or not) or a <see cref="PipeWriter"/>.
/// Each entry is read from its source and written as it arrives, its local header first; memory stays flat whatever
/// the sizes; the central directory goes out at <see cref="ArchiveWriter.CompleteAsync"/>. Disposing without
/// completing aborts: no end records are written.
/// </summary>
/// <example>
/// <code>
/// await using var zip = new ZipArchiveWriter(response.Body);
/// await zip.AddEntryAsync(ArchiveEntry.File("report.csv"), EntrySource.FromFile("/data/report.csv"));
/// await zip.CompleteAsync();
/// </code>
/// </example>
public sealed class ZipArchiveWriter : ArchiveWriter
{
    private readonly ZipMemberWriter _members;
    private readonly CompressAhead _ahead;

    /// <summary>The members handed to compression workers so far, compressed (for tests, which await it rather than sleep).</summary>
    internal Task CompressedAhead => _ahead.Compressed;

    /// <summary>Writes to <paramref name="output"/>, which stays open.</summary>
    public ZipArchiveWriter(Stream output, ZipWriterOptions? options = null)
        : this(ArchiveOutput.Create(output), options ?? ZipWriterOptions.Default)
    {
    }

    /// <summary>Writes to <paramref name="output"/>, which is flushed but not completed.</summary>
    public ZipArchiveWriter(PipeWriter output, ZipWriterOptions? options = null)
        : this(ArchiveOutput.Create(output), options ?? ZipWriterOptions.Default)
    {
    }

    internal ZipArchiveWriter(ArchiveOutput output, ZipWriterOptions options)
        : base(output, options.NamePolicy)
    {
        // Refused now, before any entry is written, rather than at the end record.
        _ = ZipComments.ArchiveComment(options);
        _members = new ZipMemberWriter(output, options);
        _ahead = new CompressAhead(_members);
    }

    /// <summary>The archive's rented buffers (for tests: every one is given back, also on abort).</summary>
    internal BufferLedger Buffers => _members.Buffers;

    private ZipWriterOptions Options => _members.Options;

    private protected override void CheckEntry(PreparedEntry entry)
    {
        if (entry.Kind == EntryKind.HardLink)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"zip has no hard links (target '{entry.LinkTarget}'); add the content again as a file, or write a tar");
        }

        if (entry.Kind is EntryKind.CharacterDevice or EntryKind.BlockDevice or EntryKind.Fifo)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"zip has no {(entry.Kind == EntryKind.Fifo ? "FIFO" : "device")} entries (a {entry.Kind}); leave it out, or write a tar");
        }

        if (entry.Sparse is { } sparse)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"zip has no sparse members, and the source delivers only the {sparse.DataLength} bytes of data of a {sparse.RealSize}-byte file; add it with EntrySource.FromFile, or write a tar");
        }

        _ = ZipComments.EntryComment(entry);
    }

    private protected override void CheckOptions(ArchiveEntry entry, ArchiveEntryOptions options)
    {
        if (options is not ZipEntryOptions zip)
        {
            base.CheckOptions(entry, options);
            return;
        }

        if (zip.Raw is not null && (zip.Method is not null || zip.CompressionLevel is not null))
        {
            throw new ArgumentException($"entry '{entry.Name}': raw content is compressed already; its ZipEntryOptions take no Method or CompressionLevel", nameof(options));
        }
    }

    /// <summary>Refuses encrypted archives: their salts are random, so no plan can predict their bytes.</summary>
    internal override void CheckPlannable()
    {
        if (Options.Encryption is not null)
        {
            throw NotPlannable();
        }
    }

    /// <summary>Why an encrypted archive cannot be planned.</summary>
    internal static ArchiveException NotPlannable() => new(
        null,
        ArchiveErrorReason.NotPlannable,
        "an encrypted archive is never the same twice: every member gets a fresh random salt (reusing one would reuse the key stream), so its bytes, byte ranges and ETag cannot be known in advance; write it whole, without a plan");

    private protected override void CheckPlannable(PreparedEntry entry)
    {
        if (entry.Kind != EntryKind.File || entry.Length == 0 || ZipEntryOptions.RawOf(entry) is not null)
        {
            // Raw content has its compressed length known up front, whatever its method.
            return;
        }

        var method = ZipEntryOptions.MethodOf(entry, Options);
        if (method != ZipCompressionMethod.Stored)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.NotPlannable, $"{method} output has a length that depends on the content, so the archive's length and byte ranges cannot be known in advance; use ZipCompressionMethod.Stored, or add content compressed already as raw (ZipEntryOptions.Raw)");
        }
    }

    /// <summary>Adds an entry encoded with its own <paramref name="options"/>: a method or level other than the archive's, or raw content.</summary>
    /// <inheritdoc cref="IArchiveSink.AddEntryAsync"/>
    public ValueTask AddEntryAsync(ArchiveEntry entry, EntrySource? source, ZipEntryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AddEntryAsync(entry, source, (ArchiveEntryOptions)options, cancellationToken);
    }

    /// <summary>Starts a pushed file entry encoded with its own <paramref name="options"/> (a method or level other than the archive's; not raw).</summary>
    /// <inheritdoc cref="IArchiveSink.OpenEntryAsync"/>
    public ValueTask<Stream> OpenEntryAsync(ArchiveEntry entry, ZipEntryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OpenEntryAsync(entry, (ArchiveEntryOptions)options, cancellationToken);
    }

    /// <summary>
    /// Adds the content of the gzip <paramref name="gzip"/> as the member <paramref name="entry"/>: its deflate stream
    /// copied without recompression when it holds one member and can be read twice, else decompressed and compressed by
    /// the archive's method (see <see cref="GzipMember.ToZipItemAsync"/>, which reads it first: a source that is not
    /// gzip is refused before anything of the entry is written).
    /// </summary>
    public async ValueTask AddGzipEntryAsync(ArchiveEntry entry, EntrySource gzip, CancellationToken cancellationToken = default)
    {
        var item = await GzipMember.ToZipItemAsync(entry, gzip, cancellationToken).ConfigureAwait(false);
        await AddEntryAsync(item.Entry, item.Source, item.Options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies <paramref name="entry"/> of <paramref name="source"/> into this archive without decompressing it (Go's
    /// <c>Writer.Copy</c>): its compressed bytes, CRC-32, sizes, time, mode and comment, under this archive's name policy.
    /// Stored, deflate and zstd members are copied; encrypted ones and other methods are refused with an
    /// <see cref="ArchiveException"/> naming the member. A source member with a data descriptor is copied with its sizes
    /// in the local header (taken from the central directory).
    /// </summary>
    public async ValueTask CopyEntryAsync(ZipSourceArchive source, ZipSourceEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind == EntryKind.Directory)
        {
            await AddEntryAsync(new ArchiveEntry(entry.Name, EntryKind.Directory) { LastModified = entry.LastModified, Mode = entry.Mode, Comment = entry.Comment }, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (entry.IsEncrypted)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, "source member is encrypted (flag bit 0); copying it would need its password, which this writer does not take");
        }

        var method = ZipMethods.ForId(entry.MethodId)?.Method
            ?? throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"source member's method is {entry.MethodId}; members are copied with methods {ZipMethods.Described()} only");
        var data = new ZipMemberDataSource(source, entry);
        if (entry.Kind == EntryKind.SymbolicLink)
        {
            if (method != ZipCompressionMethod.Stored || entry.Length > ZipConstants.MaxNameLength)
            {
                throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, $"source symbolic link's target is {method}, {entry.Length} bytes; a stored target of at most {ZipConstants.MaxNameLength} bytes is copied");
            }

            var start = await ZipMemberDataSource.DataStartAsync(source, entry, cancellationToken).ConfigureAwait(false);
            var target = await ZipSourceArchive.ReadAtAsync(source.Stream, start, (int)entry.Length, cancellationToken).ConfigureAwait(false);
            await AddEntryAsync(new ArchiveEntry(entry.Name, EntryKind.SymbolicLink) { LinkTarget = System.Text.Encoding.UTF8.GetString(target), LastModified = entry.LastModified, Mode = entry.Mode, Comment = entry.Comment }, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        ZipRawContent raw;
        try
        {
            raw = new ZipRawContent(method, entry.Crc32, entry.CompressedLength, entry.Length);
        }
        catch (ArgumentException ex)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.SourceInvalid, $"source member's sizes cannot be copied ({method}, {entry.CompressedLength} compressed bytes for {entry.Length}): {ex.Message}", ex);
        }

        await AddRawEntryAsync(new ArchiveEntry(entry.Name) { LastModified = entry.LastModified, Mode = entry.Mode, Comment = entry.Comment }, raw, data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a member whose content <paramref name="compressed"/> delivers compressed already, written without
    /// recompression (Go's <c>CreateRaw</c>): <paramref name="raw"/> declares its method, CRC-32 and both lengths, which
    /// go in the local header. A source that delivers another number of bytes than
    /// <see cref="ZipRawContent.CompressedLength"/> fails the archive; the CRC-32 and plain length are not checked (that
    /// would need decompressing), readers check them when they extract.
    /// </summary>
    public ValueTask AddRawEntryAsync(ArchiveEntry entry, ZipRawContent raw, EntrySource compressed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(compressed);
        return AddEntryAsync(entry, compressed, new ZipEntryOptions { Raw = raw }, cancellationToken);
    }

    /// <summary>
    /// Where the entry's content goes: a small member of known length under deflate or auto is held and compressed
    /// ahead (its header written later, in order); an auto member of another length writes its header after a trial of
    /// its first bytes; anything else has its header written now.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private protected override async ValueTask<IEntryContent> OpenContentAsync(PreparedEntry entry, CancellationToken cancellationToken)
    {
        Zip64Rules.CheckEntryNumber(entry.Name, Options, _members.Directory.Count + _ahead.Count + 1);
        if (ZipEntryOptions.RawOf(entry) is { } raw)
        {
            await _ahead.WriteAllAsync(cancellationToken).ConfigureAwait(false);
            return await _members.StartRawAsync(entry, raw, cancellationToken).ConfigureAwait(false);
        }

        var method = ZipEntryOptions.MethodOf(entry, Options);
        var compresses = method is ZipCompressionMethod.Deflate or ZipCompressionMethod.Auto;
        if (compresses && entry.Kind == EntryKind.File && entry.Length is > 0 and <= DeflateChunks.ChunkSize && Mode == WriteMode.Write)
        {
            // Held whole, with its CRC-32 known before its header: stored by auto (by name or by trial) it needs no
            // data descriptor, the one rule for every stored member.
            return new DeferredDeflateContent(_ahead, Buffers, entry, auto: method == ZipCompressionMethod.Auto, ZipEntryOptions.LevelOf(entry, Options));
        }

        await _ahead.WriteAllAsync(cancellationToken).ConfigureAwait(false);
        if (method == ZipCompressionMethod.Auto && entry.Kind == EntryKind.File && entry.Length != 0)
        {
            return AutoMethod.IsCompressedByName(entry.Name)
                ? await _members.StartAsync(entry, ZipCompressionMethod.Stored, knownCrc: null, encoded: false, cancellationToken).ConfigureAwait(false)
                : new AutoContent(_members, entry);
        }

        return await _members.StartAsync(entry, method == ZipCompressionMethod.Auto ? ZipCompressionMethod.Stored : method, knownCrc: null, encoded: false, cancellationToken).ConfigureAwait(false);
    }

    private protected override async ValueTask WriteEndAsync(CancellationToken cancellationToken)
    {
        await _ahead.WriteAllAsync(cancellationToken).ConfigureAwait(false);
        await ZipEndRecords.WriteAsync(Output, _members.Directory, Options, cancellationToken).ConfigureAwait(false);
    }

    private protected override ValueTask AbortFormatAsync() => _ahead.AbortAsync();

    private protected override void ReleaseFormat() => _members.Directory.Release();
}
