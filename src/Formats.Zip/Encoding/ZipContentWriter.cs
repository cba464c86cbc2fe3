using System.Runtime.CompilerServices;
using Formats.Streaming;
using Formats.Zip.Encryption;
using Formats.Zip.Records;
using ZstdSharp;

namespace Formats.Zip.Encoding;

/// <summary>
/// One member's content on its way out, its local header written: CRC-32 over the plain bytes, the method's encoder,
/// the member's cipher after it when the archive is encrypted, the zip64 limits that can only be checked while bytes
/// flow, then the data descriptor and the member's central directory record.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The zstd encoder, its gate and the cipher are released by FinishAsync or AbortAsync, one of which ends every content.")]
internal sealed class ZipContentWriter : ICrcContent
{
    /// <summary>Pieces of stored content at least this large have their CRC-32 computed beside the write.</summary>
    private const int ParallelCrcThreshold = 256 * 1024;

    private readonly ZipMemberWriter _members;
    private readonly PreparedEntry _entry;
    private readonly ZipEntryLayout _layout;
    private readonly long _headerOffset;
    private readonly long _dataStart;
    private readonly uint? _expectedCrc;

    // Null when the content arrives compressed ahead with its CRC-32 (WriteEncodedAsync).
    private readonly Crc32Accumulator? _crc;
    private readonly ChunkedDeflater? _deflater;
    private readonly CompressionStream? _zstd;
    private readonly GateStream? _zstdGate;
    private readonly ZipCipher? _cipher;

    // Where encoded bytes go: the output, through the cipher when there is one.
    private readonly MemberOutput _out;
    private long _length;
    private bool _skipped;
    private uint? _computedCrc;

    // A CRC-32 remembered for the source (a range that skips the content unread).
    private uint? _rememberedCrc;

    /// <summary>The archive offset of the local header's CRC-32 field, when it is written after the data (a seekable output).</summary>
    public long? PatchCrcAt { get; init; }

    /// <summary>Set for a raw member: the content arrives compressed, is written as it is, and stands for what this declares.</summary>
    public ZipRawContent? Raw
    {
        get;
        init
        {
            field = value;
            _length = value?.Length ?? 0;
            _computedCrc = value?.Crc32;
        }
    }

    /// <summary>
    /// Content for the member whose header was just written at <paramref name="headerOffset"/>. With
    /// <paramref name="encoded"/> the content arrives already compressed, through <see cref="WriteEncodedAsync"/>.
    /// </summary>
    public ZipContentWriter(ZipMemberWriter members, PreparedEntry entry, ZipEntryLayout layout, long headerOffset, uint? expectedCrc, bool encoded)
    {
        _members = members;
        _entry = entry;
        _layout = layout;
        _headerOffset = headerOffset;
        _expectedCrc = expectedCrc;
        _dataStart = members.Output.Position;
        _cipher = layout.Encryption == ZipEncryptionMethod.None ? null : ZipCipher.Create(members.Options.Encryption!, layout);
        _out = new MemberOutput(members.Output, _cipher);
        if (encoded)
        {
            return;
        }

        _crc = new Crc32Accumulator();
        var options = members.Options;
        var level = ZipEntryOptions.LevelOf(entry, options);
        if (layout.Method == ZipConstants.MethodDeflate)
        {
            _deflater = new ChunkedDeflater(_out, members.Buffers, level, options.MaxDegreeOfParallelism);
        }
        else if (layout.Method == ZipConstants.MethodZstandard)
        {
            // Behind a gate, so that an abort can release the encoder without its end reaching the output.
            _zstdGate = new GateStream(new MemberOutputStream(_out));
            _zstd = new CompressionStream(_zstdGate, CompressionLevels.ToZstandard(level), leaveOpen: true);
            if (entry.Length is { } known)
            {
                _zstd.SetPledgedSrcSize((ulong)known);
            }
        }
    }

    private ArchiveOutput Output => _members.Output;

    private long EncodedLength => Output.Position - _dataStart;

    /// <summary>Writes what precedes the data of an encrypted member (its salt and verifier, or encryption header).</summary>
    public ValueTask WriteEncryptionHeaderAsync(CancellationToken cancellationToken) =>
        _cipher?.WriteHeaderAsync(Output, cancellationToken) ?? ValueTask.CompletedTask;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Raw is not null)
        {
            // Compressed already: the core holds the bytes to the declared compressed length.
            await _out.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return;
        }

        _length += data.Length;
        if (_deflater is null && _zstd is null && data.Length >= ParallelCrcThreshold && _members.Options.MaxDegreeOfParallelism > 1)
        {
            // Stored content in large pieces: its CRC-32 runs on another core while the same bytes go out.
            var crc = _members.CrcWorker.AppendAsync(_crc!, data);
            try
            {
                await _out.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await crc.ConfigureAwait(false);
            }
        }
        else
        {
            _crc!.Append(data.Span);
            if (_deflater is not null)
            {
                await _deflater.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            else if (_zstd is not null)
            {
                await _zstd.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _out.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
        }

        Zip64Rules.CheckContent(_entry.Name, _members.Options, _layout.LocalZip64, _length, EncodedLength);
    }

    /// <summary>
    /// Writes content that was compressed ahead (<see cref="CompressAhead"/>): <paramref name="encoded"/> is the whole
    /// member's deflate stream of <paramref name="length"/> plain bytes with CRC-32 <paramref name="crc"/>.
    /// </summary>
    public ValueTask WriteEncodedAsync(ReadOnlyMemory<byte> encoded, long length, uint crc, CancellationToken cancellationToken)
    {
        _length = length;
        _computedCrc = crc;
        return _out.WriteAsync(encoded, cancellationToken);
    }

    public void Skip(long count)
    {
        if (Raw is not null && _cipher is null)
        {
            // Its CRC-32 and sizes are declared: nothing outside the window needs reading.
            Output.Skip(count);
            return;
        }

        if (_deflater is not null || _zstd is not null || _cipher is not null)
        {
            throw new InvalidOperationException($"entry '{_entry.Name}': compressed or encrypted content cannot be laid out without reading it");
        }

        if (count == 0)
        {
            return; // nothing unread: a checksum computed over every byte stays valid
        }

        _skipped = true;
        _length += count;
        Output.Skip(count);
    }

    // Null for raw content: its CRC-32 is not that of the bytes its source delivers, so it is never remembered for the source.
    public uint? ContentCrc => Raw is not null || _skipped || _deflater is not null || _zstd is not null ? null : _computedCrc ?? _crc?.Value;

    /// <summary>
    /// A range needs the CRC-32 of a stored member that declares none when the window reaches past its data: the data
    /// descriptor right after it, or the central directory at the end, holds it.
    /// </summary>
    public bool NeedsCrc(long length) =>
        _expectedCrc is null && _rememberedCrc is null && _computedCrc is null && _crc is not null && _deflater is null && _zstd is null
        && Output.Mode == WriteMode.Range && Output.Window.End > _dataStart + length;

    public void UseCrc(uint crc) => _rememberedCrc = crc;

    public void SkipRead(ReadOnlySpan<byte> data)
    {
        _crc!.Append(data);
        _length += data.Length;
        Output.Skip(data.Length);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_deflater is not null)
        {
            await _deflater.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_zstd is not null)
        {
            await _zstd.DisposeAsync().ConfigureAwait(false);
            await ZstdEnding.WriteAsync(_zstdGate!, _length, cancellationToken).ConfigureAwait(false);
        }

        if (_cipher is not null)
        {
            await _cipher.WriteTrailerAsync(Output, cancellationToken).ConfigureAwait(false);
            _cipher.Dispose();
        }

        // Content skipped outside a window was never read: its CRC is the declared or remembered one (0 when no record
        // inside the window holds it: a measure, or a range that ends before the descriptor).
        var crc = _skipped ? _expectedCrc ?? _rememberedCrc ?? 0 : _computedCrc ?? _crc!.Value;
        if (!_skipped && _expectedCrc is { } declared)
        {
            CheckCrc(_entry, crc, declared);
        }

        var encoded = EncodedLength;
        var recorded = EncryptionFields.RecordedCrc(_layout.Encryption, crc);
        if (Raw is { } raw && encoded - ZipCipher.Overhead(_layout.Encryption) != raw.CompressedLength)
        {
            throw new ArchiveException(_entry.Name, encoded - ZipCipher.Overhead(_layout.Encryption) < raw.CompressedLength ? ArchiveErrorReason.SourceTooShort : ArchiveErrorReason.SourceTooLong, $"raw content is {encoded - ZipCipher.Overhead(_layout.Encryption)} compressed bytes, but {raw.CompressedLength} were declared");
        }

        Zip64Rules.CheckContent(_entry.Name, _members.Options, _layout.LocalZip64, _length, encoded);
        if (PatchCrcAt is { } at)
        {
            var field = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(field, crc);
            await Output.PatchAsync(at, field, cancellationToken).ConfigureAwait(false);
        }

        if (_layout.HasDescriptor)
        {
            await Output.WriteRecordAsync(_layout.DescriptorLength, (_layout.LocalZip64, crc: recorded, encoded, _length), static (span, d) => WriteDescriptor(span, d.LocalZip64, d.crc, d.encoded, d._length), cancellationToken).ConfigureAwait(false);
        }

        _members.Directory.Add(
            new CentralDirectoryEntry(_layout.NameBytes, _headerOffset, encoded, _length, _layout.Time, recorded, _layout.ExternalAttributes, _layout.Method, _layout.Flags, _layout.VersionNeeded, _layout.Encryption),
            _layout.Owner,
            _layout.Comment,
            _layout.UnicodePath);
    }

    public async ValueTask AbortAsync()
    {
        _cipher?.Dispose();
        if (_deflater is not null)
        {
            await _deflater.AbortAsync().ConfigureAwait(false);
        }
        else if (_zstd is not null)
        {
            _zstdGate!.Shut();
            try
            {
                await _zstd.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The gate refused the encoder's last bytes, as intended; its memory is released either way.
            }
        }
    }

    /// <summary>Throws when content with CRC-32 <paramref name="crc"/> does not have the <paramref name="declared"/> one.</summary>
    public static void CheckCrc(PreparedEntry entry, uint crc, uint declared)
    {
        if (crc != declared)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.CrcMismatch, $"content has CRC-32 0x{crc:X8}, but the declared CRC-32 is 0x{declared:X8}");
        }
    }

    /// <summary>The descriptor, signed, in the width the local header chose (24 bytes after a local zip64 extra, else 16).</summary>
    private static int WriteDescriptor(Span<byte> destination, bool zip64, uint crc, long encoded, long length)
    {
        if (zip64)
        {
            new DataDescriptor64 { Crc32 = crc, CompressedSize = (ulong)encoded, UncompressedSize = (ulong)length }.Write(destination);
            return DataDescriptor64.FixedLength;
        }

        new DataDescriptor { Crc32 = crc, CompressedSize = (uint)encoded, UncompressedSize = (uint)length }.Write(destination);
        return DataDescriptor.FixedLength;
    }
}
