using Formats.Streaming;
using Formats.Zip.Encoding;

namespace Formats.Zip;

/// <summary>
/// What every zip member is written with: the output, the options, the central directory records that grow with each
/// member, the CRC worker and the archive's rented buffers. <see cref="StartMemberAsync"/> is the one place a local header
/// is written, whoever decides when (the writer, a trial of the auto method, members compressed ahead, raw members).
/// </summary>
internal sealed class ZipMemberWriter(ArchiveOutput output, ZipWriterOptions options)
{
    public ArchiveOutput Output => output;

    public ZipWriterOptions Options => options;

    public CentralDirectoryRecords Directory { get; } = new(keepRecords: !output.WritesNothing, alwaysZip64: options.Zip64 == Zip64Mode.Always);

    public BufferLedger Buffers { get; } = new();

    /// <summary>Computes stored content's CRC-32 beside its write (one per archive, created when first needed).</summary>
    public CrcWorker CrcWorker => field ??= new CrcWorker();

    /// <summary>Stored bytes to the output without a cipher, shared by every member (<see cref="StoredEncoder.For"/>).</summary>
    public StoredEncoder PlainPassThrough => field ??= new StoredEncoder(new Encryption.MemberOutput(output, null));

    /// <summary>Where a local file header holds the CRC-32 (APPNOTE 4.3.7: after signature, version, flags, method, time and date).</summary>
    private const int LocalFileHeaderCrcOffset = 14;

    /// <summary>
    /// Writes <paramref name="entry"/>'s local header, now, with <paramref name="method"/> for its content, and returns
    /// where the content goes. <paramref name="knownCrc"/> is the content's CRC-32 when it was computed ahead;
    /// <paramref name="encoded"/>: the content comes compressed already (<see cref="ZipContentWriter.WriteEncodedAsync"/>).
    /// </summary>
    public ValueTask<ZipContentWriter> StartAsync(PreparedEntry entry, ZipCompressionMethod method, uint? knownCrc, bool encoded, CancellationToken cancellationToken) =>
        StartMemberAsync(entry, method, knownCrc, encoded, raw: null, cancellationToken);

    /// <summary>
    /// Writes the local header of a member whose content comes compressed already (<see cref="ZipRawContent"/>): sizes and
    /// CRC-32 in the header, no descriptor, and the compressed bytes written as they arrive (encrypted, when the archive is).
    /// </summary>
    public ValueTask<ZipContentWriter> StartRawAsync(PreparedEntry entry, ZipRawContent raw, CancellationToken cancellationToken) =>
        StartMemberAsync(entry, raw.Method, raw.Crc32, encoded: true, raw, cancellationToken);

    /// <summary>The one function that writes a local header, then an encrypted member's encryption header.</summary>
    private async ValueTask<ZipContentWriter> StartMemberAsync(PreparedEntry entry, ZipCompressionMethod method, uint? knownCrc, bool encoded, ZipRawContent? raw, CancellationToken cancellationToken)
    {
        // A symbolic link's target is its content in zip (Info-ZIP's convention), known now with its CRC, and written here.
        var linkTarget = entry.Kind == EntryKind.SymbolicLink ? System.Text.Encoding.UTF8.GetBytes(entry.LinkTarget!) : null;
        var length = linkTarget?.Length ?? raw?.Length ?? entry.Length;
        var crc = linkTarget is not null ? Crc32Accumulator.Compute(linkTarget)
            : entry.Crc32 ?? knownCrc ?? (length == 0 ? 0 : null);

        // To a seekable output, a stored member of known length gets the layout of a declared CRC-32 (sizes and CRC in
        // its local header, no descriptor), its CRC-32 written there once its data has gone by: one read of the
        // source, as Info-ZIP does, and the same bytes as reading it first for its checksum.
        // Not when encrypted: AE-2 records no CRC, and ZipCrypto's check byte needs the CRC before the data.
        var patchCrc = crc is null && !encoded && length is not null && method == ZipCompressionMethod.Stored && entry.Kind == EntryKind.File && output.CanPatch
            && options.Encryption is null;
        var offset = output.Position;
        var layout = ZipEntryLayout.Plan(entry, length, patchCrc ? 0 : crc, offset, options, method, raw?.CompressedLength);
        await output.WriteRecordAsync(layout.LocalHeaderLength, layout, static (span, layout) => layout.WriteLocalHeader(span), cancellationToken).ConfigureAwait(false);
        var arrival = raw is not null ? ContentArrival.Raw : encoded ? ContentArrival.CompressedAhead : ContentArrival.Plain;
        var content = new ZipContentWriter(this, entry, layout, offset, crc, arrival, raw) { PatchCrcAt = patchCrc ? offset + LocalFileHeaderCrcOffset : null };
        try
        {
            await content.WriteEncryptionHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not handed to the caller yet: nobody else would release its cipher.
            await content.AbortAsync().ConfigureAwait(false);
            throw;
        }

        if (linkTarget is not null)
        {
            await content.WriteAsync(linkTarget, cancellationToken).ConfigureAwait(false);
        }

        return content;
    }
}
