using System.Runtime.CompilerServices;
using Formats.Streaming;
using Formats.Zip.Encryption;
using Formats.Zip.Records;

namespace Formats.Zip.Encoding;

/// <summary>
/// One member's content on its way out, its local header written: CRC-32 over the plain bytes, the method's encoder,
/// the member's cipher after it when the archive is encrypted, the zip64 limits that can only be checked while bytes
/// flow, then the data descriptor and the member's central directory record.
/// </summary>
/// <summary>How a member's content arrives at its <see cref="ZipContentWriter"/>.</summary>
internal enum ContentArrival
{
    /// <summary>Plain bytes, through <see cref="ZipContentWriter.WriteAsync"/>: their CRC-32 computed, encoded by the member's method.</summary>
    Plain,

    /// <summary>The whole member compressed ahead with its CRC-32, through <see cref="ZipContentWriter.WriteEncodedAsync"/>.</summary>
    CompressedAhead,

    /// <summary>Compressed already by the caller (<see cref="ZipRawContent"/>), through <see cref="ZipContentWriter.WriteAsync"/>, written as it is.</summary>
    Raw,
}

/// <summary>
/// One member's content on its way out, its local header written: CRC-32 over the plain bytes, the encoder of the
/// member's method (<see cref="ZipMethods"/>), the member's cipher after it when the archive is encrypted, the zip64
/// limits that can only be checked while bytes flow, then the data descriptor and the member's central directory record.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The encoder and the cipher are released by FinishAsync or AbortAsync, one of which ends every content.")]
internal sealed partial class ZipContentWriter : IWholeReadContent
{
    /// <summary>Pieces of stored content at least this large have their CRC-32 computed beside the write.</summary>
    private const int ParallelCrcThreshold = 256 * 1024;

    private readonly ZipMemberWriter _members;
    private readonly PreparedEntry _entry;
    private readonly ZipEntryLayout _layout;
    private readonly long _headerOffset;
    private readonly long _dataStart;
    private readonly uint? _expectedCrc;
    private readonly ContentArrival _arrival;

    // The member's method, and its encoder for plain content; content that arrives encoded passes through as stored does.
    private readonly ZipMethod _method;
    private readonly IZipEncoder _encoder;

    // Over the plain bytes; null unless the content arrives plain.
    private readonly Crc32Accumulator? _crc;
    private readonly ZipCipher? _cipher;

    // Where encoded bytes go: the output, through the cipher when there is one.
    private readonly MemberOutput _out;
    private long _length;
    private bool _skipped;
    private uint? _computedCrc;

    // A CRC-32 remembered for the source (a range that skips the content unread).
    private uint? _rememberedCrc;

    /// <summary>
    /// Content for the member whose header was just written at <paramref name="headerOffset"/>, arriving as
    /// <paramref name="arrival"/> says; <paramref name="raw"/> is what raw content declares.
    /// </summary>
    public ZipContentWriter(ZipMemberWriter members, PreparedEntry entry, ZipEntryLayout layout, long headerOffset, uint? expectedCrc, ContentArrival arrival, ZipRawContent? raw = null)
    {
        _members = members;
        _entry = entry;
        _layout = layout;
        _headerOffset = headerOffset;
        _expectedCrc = expectedCrc;
        _arrival = arrival;
        _dataStart = members.Output.Position;
        _cipher = layout.Encryption == ZipEncryptionMethod.None ? null : ZipCipher.Create(members.Options.Encryption!, layout);
        _out = new MemberOutput(members.Output, _cipher);
        _method = ZipMethods.ForId(layout.Method) ?? throw new ArgumentOutOfRangeException(nameof(layout), layout.Method, "a method the writer registers");
        if (arrival == ContentArrival.Plain)
        {
            _crc = new Crc32Accumulator();
            _encoder = _method.CreateEncoder(members, entry, _out);
        }
        else
        {
            _encoder = StoredEncoder.For(members, _out);
        }

        if (raw is not null)
        {
            Raw = raw;
            _length = raw.Length;
            _computedCrc = raw.Crc32;
        }
    }

    /// <summary>The archive offset of the local header's CRC-32 field, when it is written after the data (a seekable output).</summary>
    public long? PatchCrcAt { get; init; }

    /// <summary>Set for a raw member: the content arrives compressed, is written as it is, and stands for what this declares.</summary>
    public ZipRawContent? Raw { get; }

    private ArchiveOutput Output => _members.Output;

    private long EncodedLength => Output.Position - _dataStart;

    /// <summary>Writes what precedes the data of an encrypted member (its salt and verifier, or encryption header).</summary>
    public ValueTask WriteEncryptionHeaderAsync(CancellationToken cancellationToken) =>
        _cipher?.WriteHeaderAsync(Output, cancellationToken) ?? ValueTask.CompletedTask;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_arrival == ContentArrival.Raw)
        {
            // Compressed already: the core holds the bytes to the declared compressed length.
            await _encoder.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return;
        }

        _length += data.Length;
        if (_method.KeepsBytes && data.Length >= ParallelCrcThreshold && _members.Options.MaxDegreeOfParallelism > 1)
        {
            // Stored content in large pieces: its CRC-32 runs on another core while the same bytes go out.
            var crc = _members.CrcWorker.AppendAsync(_crc!, data);
            try
            {
                await _encoder.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await crc.ConfigureAwait(false);
            }
        }
        else
        {
            _crc!.Append(data.Span);
            await _encoder.WriteAsync(data, cancellationToken).ConfigureAwait(false);
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
        if (_arrival == ContentArrival.Raw && _cipher is null)
        {
            // Its CRC-32 and sizes are declared: nothing outside the window needs reading.
            Output.Skip(count);
            return;
        }

        if (!_method.KeepsBytes || _cipher is not null)
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        await _encoder.FinishAsync(_length, cancellationToken).ConfigureAwait(false);

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

    public ValueTask AbortAsync()
    {
        _cipher?.Dispose();
        return _encoder.AbortAsync();
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
