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
    private readonly ZipWriterOptions _options;
    private readonly CentralDirectoryRecords _entries = new();
    /// <summary>Members compressed ahead hand over to a worker in batches of at most this many...</summary>
    private const int BatchMembers = 16;

    /// <summary>...or of at least this many plain bytes.</summary>
    private const int BatchBytes = 256 * 1024;

    private readonly Queue<DeferredMember> _deferred = new();
    private readonly List<DeferredMember> _unsubmitted = [];
    private long _deferredBytes;
    private Task? _lastBatch;
    private int _unsubmittedBytes;

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
        _options = options;
    }

    internal ZipWriterOptions Options => _options;

    /// <summary>Computes stored content's CRC-32 beside its write (one per archive, created when first needed).</summary>
    internal CrcWorker CrcWorker => field ??= new CrcWorker();

    internal void AddCentralDirectoryEntry(CentralDirectoryEntry entry) => _entries.Add(entry);

    private protected override void CheckEntry(PreparedEntry entry)
    {
        if (entry.Kind == EntryKind.HardLink)
        {
            throw new ArchiveException(entry.Name, $"zip has no hard links (target '{entry.LinkTarget}'); add the content again as a file, or write a tar");
        }
    }

    private protected override void CheckPlannable(PreparedEntry entry, PlanPurpose purpose)
    {
        if (entry.Kind != EntryKind.File || entry.Length == 0)
        {
            return;
        }

        if (_options.Method != ZipCompressionMethod.Stored)
        {
            throw new ArchiveException(entry.Name, $"{_options.Method} output has a length that depends on the content, so the archive's length and byte ranges cannot be known in advance; use ZipCompressionMethod.Stored");
        }

        if (purpose == PlanPurpose.Range && entry.Crc32 is null)
        {
            throw new ArchiveException(entry.Name, "a byte range of a zip needs every entry's CRC-32 up front (the data descriptors and the central directory after the range's start hold it); declare Crc32");
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private protected override async ValueTask<IEntryContent> BeginEntryAsync(PreparedEntry entry, CancellationToken cancellationToken)
    {
        var number = _entries.Count + _deferred.Count + 1;
        if (_options.Zip64 == Zip64Mode.Never && number > ZipConstants.MaxEntries16)
        {
            throw new ArchiveException(entry.Name, $"it would be entry number {number}; without zip64 (Zip64Mode.Never) an archive holds at most {ZipConstants.MaxEntries16}");
        }

        var method = _options.Method;
        var compresses = method is ZipCompressionMethod.Deflate or ZipCompressionMethod.Auto;
        if (compresses && entry.Kind == EntryKind.File && entry.Length is > 0 and <= DeflateChunks.ChunkSize && !Output.IsWindowed)
        {
            // Held in memory and written whole, with its CRC-32 known before its header: stored by auto (by name or
            // by trial) it needs no data descriptor, the one rule for every stored member.
            return new DeferredDeflateContent(this, entry, auto: method == ZipCompressionMethod.Auto);
        }

        if (method == ZipCompressionMethod.Auto && AutoMethod.IsCompressedByName(entry.Name))
        {
            method = ZipCompressionMethod.Stored;
        }

        await DrainAsync(keep: 0, cancellationToken).ConfigureAwait(false);
        if (method == ZipCompressionMethod.Auto && entry.Kind == EntryKind.File && entry.Length != 0)
        {
            return new AutoContent(this, entry);
        }

        return await StartContentAsync(entry, method == ZipCompressionMethod.Auto ? ZipCompressionMethod.Stored : method, knownCrc: null, encoded: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="entry"/>'s local header, now, with <paramref name="method"/> for its content, and returns
    /// where the content goes. <paramref name="knownCrc"/> is the content's CRC-32 when it was computed ahead.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<ZipContentWriter> StartContentAsync(PreparedEntry entry, ZipCompressionMethod method, uint? knownCrc, bool encoded, CancellationToken cancellationToken)
    {
        // A symbolic link's target is its content in zip (Info-ZIP's convention), known now with its CRC, and written here.
        var linkTarget = entry.Kind == EntryKind.SymbolicLink ? System.Text.Encoding.UTF8.GetBytes(entry.LinkTarget!) : null;
        var length = linkTarget?.Length ?? entry.Length;
        var crc = linkTarget is not null ? System.IO.Hashing.Crc32.HashToUInt32(linkTarget)
            : entry.Crc32 ?? knownCrc ?? (length == 0 ? 0 : null);
        var offset = Output.Position;
        var layout = ZipEntryLayout.Plan(entry, length, crc, offset, _options, method);
        var span = Output.GetSpan(layout.LocalHeaderLength);
        Output.Advance(layout.WriteLocalHeader(span));
        await Output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        var content = new ZipContentWriter(this, entry, layout, offset, crc, encoded);
        if (linkTarget is not null)
        {
            await content.WriteAsync(linkTarget, cancellationToken).ConfigureAwait(false);
        }

        return content;
    }

    /// <summary>
    /// Queues a member to be compressed ahead behind the others, hands full batches to workers, and writes the oldest
    /// members while more than twice the parallelism's worth of batches (or of 1 MiB chunks) wait. With a parallelism
    /// of 1 the member is compressed and written now.
    /// </summary>
    internal ValueTask DeferAsync(DeferredMember member, CancellationToken cancellationToken)
    {
        _deferred.Enqueue(member);
        _deferredBytes += member.Length;
        var parallelism = _options.MaxDegreeOfParallelism;
        if (parallelism == 1)
        {
            member.Encode(_options.CompressionLevel);
            return DrainAsync(keep: 0, cancellationToken);
        }

        _unsubmitted.Add(member);
        _unsubmittedBytes += member.Length;
        if (_unsubmitted.Count >= BatchMembers || _unsubmittedBytes >= BatchBytes || _lastBatch is null || _lastBatch.IsCompleted)
        {
            // A full batch, or workers with nothing to do: a slow producer's members go out as soon as they are
            // compressed instead of waiting for a batch to fill, and a fast one's batches grow with the workers' backlog.
            SubmitBatch();
        }

        return DrainAsync(keep: 2 * parallelism * BatchMembers, cancellationToken, keepBytes: 2L * parallelism * DeflateChunks.ChunkSize);
    }

    private void SubmitBatch()
    {
        var batch = _unsubmitted.ToArray();
        var level = _options.CompressionLevel;
        _unsubmitted.Clear();
        _unsubmittedBytes = 0;
        var job = Task.Run(
            () =>
            {
                foreach (var member in batch)
                {
                    member.Encode(level);
                }
            },
            CancellationToken.None);
        foreach (var member in batch)
        {
            member.Batch = job;
        }

        _lastBatch = job;
    }

    /// <summary>
    /// Writes members compressed ahead, oldest first: every one already compressed, then more, waiting for their
    /// compression, until at most <paramref name="keep"/> members and <paramref name="keepBytes"/> plain bytes wait.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DrainAsync(int keep, CancellationToken cancellationToken, long keepBytes = 0)
    {
        while (_deferred.TryPeek(out var oldest) && (_deferred.Count > keep || _deferredBytes > keepBytes || oldest.Batch is { IsCompleted: true }))
        {
            var member = _deferred.Dequeue();
            _deferredBytes -= member.Length;
            if (member.Result is null && member.Batch is null)
            {
                SubmitBatch();
            }

            if (member.Batch is { } batch)
            {
                await batch.ConfigureAwait(false);
            }

            var result = member.Result!;
            try
            {
                // Deflated ahead, or stored because auto chose so.
                var encoded = result.Encoded;
                var method = encoded is null ? ZipCompressionMethod.Stored : ZipCompressionMethod.Deflate;
                var content = await StartContentAsync(member.Entry, method, result.Crc32, encoded: encoded is not null, cancellationToken).ConfigureAwait(false);
                if (encoded is null)
                {
                    await content.WriteAsync(member.Plain.AsMemory(0, member.Length), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await content.WriteEncodedAsync(encoded.Memory, member.Length, result.Crc32, cancellationToken).ConfigureAwait(false);
                }
                await content.FinishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not ArchiveException and not OperationCanceledException)
            {
                // Written during a later call: name the member whose bytes failed, not the entry that call was adding.
                throw new ArchiveException(member.Entry.Name, $"writing it to the output failed: {ex.Message}", ex);
            }
            finally
            {
                result.Encoded?.Return();
                System.Buffers.ArrayPool<byte>.Shared.Return(member.Plain);
            }
        }
    }

    private protected override async ValueTask WriteEndAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(keep: 0, cancellationToken).ConfigureAwait(false);
        var always = _options.Zip64 == Zip64Mode.Always;
        var directoryOffset = Output.Position;
        foreach (var entry in _entries.InOrder())
        {
            var span = Output.GetSpan(entry.Length(always));
            Output.Advance(entry.Write(span, always));
            await Output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        var directorySize = Output.Position - directoryOffset;
        var count = _entries.Count;
        var needsZip64 = always || count > ZipConstants.MaxEntries16 || directoryOffset > ZipConstants.Max32 || directorySize > ZipConstants.Max32;
        if (needsZip64 && _options.Zip64 == Zip64Mode.Never)
        {
            throw new ArchiveException(null, $"the central directory starts at offset {directoryOffset} and is {directorySize} bytes; without zip64 (Zip64Mode.Never) both must stay at most {ZipConstants.Max32}");
        }

        var end = Output.GetSpan(Zip64EndOfCentralDirectoryRecord.FixedLength + Zip64EndOfCentralDirectoryLocator.FixedLength + EndOfCentralDirectoryRecord.FixedLength);
        var at = 0;
        if (needsZip64)
        {
            var zip64EndOffset = Output.Position;
            new Zip64EndOfCentralDirectoryRecord
            {
                VersionMadeBy = ZipConstants.VersionMadeBy,
                VersionNeededToExtract = ZipConstants.VersionZip64,
                NumberOfThisDisk = 0,
                DiskWithStartOfCentralDirectory = 0,
                EntriesOnThisDisk = (ulong)count,
                TotalEntries = (ulong)count,
                SizeOfCentralDirectory = (ulong)directorySize,
                OffsetOfCentralDirectory = (ulong)directoryOffset,
            }.Write(end);
            at += Zip64EndOfCentralDirectoryRecord.FixedLength;
            new Zip64EndOfCentralDirectoryLocator
            {
                DiskWithZip64EndOfCentralDirectory = 0,
                OffsetOfZip64EndOfCentralDirectory = (ulong)zip64EndOffset,
                TotalNumberOfDisks = 1,
            }.Write(end[at..]);
            at += Zip64EndOfCentralDirectoryLocator.FixedLength;
        }

        var count16 = always || count > ZipConstants.MaxEntries16 ? ZipConstants.Zip64Saturated16 : (ushort)count;
        new EndOfCentralDirectoryRecord
        {
            NumberOfThisDisk = 0,
            DiskWithStartOfCentralDirectory = 0,
            EntriesOnThisDisk = count16,
            TotalEntries = count16,
            SizeOfCentralDirectory = always || directorySize > ZipConstants.Max32 ? ZipConstants.Zip64Saturated32 : (uint)directorySize,
            OffsetOfCentralDirectory = always || directoryOffset > ZipConstants.Max32 ? ZipConstants.Zip64Saturated32 : (uint)directoryOffset,
            CommentLength = 0,
        }.Write(end[at..]);
        at += EndOfCentralDirectoryRecord.FixedLength;
        Output.Advance(at);
    }
}
