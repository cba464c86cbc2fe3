using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Formats.Streaming;
using Formats.Zip.Encoding;
using Formats.Zip.Records;

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
        _members = new ZipMemberWriter(output, options);
        _ahead = new CompressAhead(_members);
    }

    /// <summary>The archive's rented buffers (for tests: every one is given back, also on abort).</summary>
    internal BufferLedger Buffers => _members.Buffers;

    private ZipWriterOptions Options => _members.Options;

    private protected override ICrcStore? CrcStore => Options.CrcStore;

    private protected override void CheckEntry(PreparedEntry entry)
    {
        if (entry.Kind == EntryKind.HardLink)
        {
            throw new ArchiveException(entry.Name, $"zip has no hard links (target '{entry.LinkTarget}'); add the content again as a file, or write a tar");
        }

        if (entry.Kind is EntryKind.CharacterDevice or EntryKind.BlockDevice or EntryKind.Fifo)
        {
            throw new ArchiveException(entry.Name, $"zip has no {(entry.Kind == EntryKind.Fifo ? "FIFO" : "device")} entries (a {entry.Kind}); leave it out, or write a tar");
        }

        if (entry.Sparse is { } sparse)
        {
            throw new ArchiveException(entry.Name, $"zip has no sparse members, and the source delivers only the {sparse.DataLength} bytes of data of a {sparse.RealSize}-byte file; add it with EntrySource.FromFile, or write a tar");
        }
    }

    private protected override void CheckPlannable(PreparedEntry entry)
    {
        if (entry.Kind != EntryKind.File || entry.Length == 0)
        {
            return;
        }

        if (Options.Method != ZipCompressionMethod.Stored)
        {
            throw new ArchiveException(entry.Name, $"{Options.Method} output has a length that depends on the content, so the archive's length and byte ranges cannot be known in advance; use ZipCompressionMethod.Stored");
        }
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
        var method = Options.Method;
        var compresses = method is ZipCompressionMethod.Deflate or ZipCompressionMethod.Auto;
        if (compresses && entry.Kind == EntryKind.File && entry.Length is > 0 and <= DeflateChunks.ChunkSize && Mode == WriteMode.Write)
        {
            // Held whole, with its CRC-32 known before its header: stored by auto (by name or by trial) it needs no
            // data descriptor, the one rule for every stored member.
            return new DeferredDeflateContent(_ahead, Buffers, entry, auto: method == ZipCompressionMethod.Auto);
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
}
