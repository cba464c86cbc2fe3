using System.Runtime.CompilerServices;
using Formats.Streaming;
using Formats.Zip.Records;
using ZstdSharp;

namespace Formats.Zip.Encoding;

/// <summary>
/// One entry's content on its way out: CRC-32 over the plain bytes, the method's encoder, the zip limits that can only be
/// checked while bytes flow, then the data descriptor and the entry's central directory record.
/// </summary>
internal sealed class ZipContentWriter : IEntryContent
{
    /// <summary>Pieces of stored content at least this large have their CRC-32 computed beside the write.</summary>
    private const int ParallelCrcThreshold = 256 * 1024;

    private readonly ZipArchiveWriter _archive;
    private readonly PreparedEntry _entry;
    private readonly ZipEntryLayout _layout;
    private readonly long _headerOffset;
    private readonly long _dataStart;
    private readonly uint? _expectedCrc;

    // Null when the content arrives compressed ahead with its CRC-32 (WriteEncodedAsync).
    private readonly Crc32Accumulator? _crc;
    private readonly ChunkedDeflater? _deflater;
    private readonly Stream? _zstd;
    private long _length;
    private bool _skipped;
    private uint? _computedCrc;

    /// <summary>
    /// Content for the entry whose header was just written at <paramref name="headerOffset"/>. With
    /// <paramref name="encoded"/> the content arrives already compressed, through <see cref="WriteEncodedAsync"/>.
    /// </summary>
    public ZipContentWriter(ZipArchiveWriter archive, PreparedEntry entry, ZipEntryLayout layout, long headerOffset, uint? expectedCrc, bool encoded = false)
    {
        _expectedCrc = expectedCrc;
        _archive = archive;
        _entry = entry;
        _layout = layout;
        _headerOffset = headerOffset;
        _dataStart = archive.Output.Position;
        var options = archive.Options;
        if (encoded)
        {
            // Compressed ahead: the CRC-32 comes with the content.
            return;
        }

        _crc = new Crc32Accumulator();
        if (layout.Method == ZipConstants.MethodDeflate)
        {
            _deflater = new ChunkedDeflater(archive.Output, options.CompressionLevel, options.MaxDegreeOfParallelism);
        }
        else if (layout.Method == ZipConstants.MethodZstandard)
        {
            _zstd = CreateZstd(new ArchiveOutputStream(archive.Output), options.CompressionLevel, entry.Length);
        }
    }

    private long EncodedLength => _archive.Output.Position - _dataStart;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _length += data.Length;
        if (_deflater is null && _zstd is null && data.Length >= ParallelCrcThreshold && _archive.Options.MaxDegreeOfParallelism > 1)
        {
            // Stored content in large pieces: its CRC-32 runs on another core while the same bytes go out.
            var crc = _archive.CrcWorker.AppendAsync(_crc!, data);
            try
            {
                await _archive.Output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await crc.ConfigureAwait(false);
            }

            CheckEncodedLength();
            return;
        }

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
            await _archive.Output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }

        CheckEncodedLength();
    }

    private void CheckEncodedLength()
    {
        if (!_layout.LocalZip64 && EncodedLength > ZipConstants.Max32)
        {
            throw TooLargeWithoutZip64("compressed size", EncodedLength);
        }
    }

    /// <summary>
    /// Writes content that was compressed ahead (<see cref="DeferredDeflateContent"/>): <paramref name="encoded"/> is
    /// the whole member's deflate stream of <paramref name="length"/> plain bytes with CRC-32 <paramref name="crc"/>.
    /// </summary>
    public ValueTask WriteEncodedAsync(ReadOnlyMemory<byte> encoded, long length, uint crc, CancellationToken cancellationToken)
    {
        _length = length;
        _computedCrc = crc;
        return _archive.Output.WriteAsync(encoded, cancellationToken);
    }

    public void Skip(long count)
    {
        if (_deflater is not null || _zstd is not null)
        {
            throw new InvalidOperationException("compressed content cannot be skipped");
        }

        _skipped = true;
        _length += count;
        _archive.Output.Skip(count);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        var length = _length;
        if (_deflater is not null)
        {
            await _deflater.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_zstd is not null)
        {
            await _zstd.DisposeAsync().ConfigureAwait(false);
        }

        // Content skipped outside a window was never read: its CRC is the declared one (0 when only a length is measured).
        var crc = _skipped ? _expectedCrc ?? 0 : _computedCrc ?? _crc!.Value;
        if (!_skipped && _expectedCrc is { } declared)
        {
            CheckCrc(_entry, crc, declared);
        }

        var encoded = EncodedLength;
        if (!_layout.LocalZip64 && (length > ZipConstants.Max32 || encoded > ZipConstants.Max32))
        {
            throw TooLargeWithoutZip64(length > ZipConstants.Max32 ? "length" : "compressed size", Math.Max(length, encoded));
        }

        if (_layout.HasDescriptor)
        {
            var span = _archive.Output.GetSpan(DataDescriptor64.FixedLength);
            if (_layout.LocalZip64)
            {
                new DataDescriptor64 { Crc32 = crc, CompressedSize = (ulong)encoded, UncompressedSize = (ulong)length }.Write(span);
            }
            else
            {
                new DataDescriptor { Crc32 = crc, CompressedSize = (uint)encoded, UncompressedSize = (uint)length }.Write(span);
            }

            _archive.Output.Advance(_layout.DescriptorLength);
        }

        _archive.AddCentralDirectoryEntry(new CentralDirectoryEntry(
            _layout.NameBytes, _headerOffset, encoded, length, _layout.Time, _layout.Owner, crc, _layout.ExternalAttributes, _layout.Method, _layout.Flags, _layout.VersionNeeded));
        await _archive.Output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws when content with CRC-32 <paramref name="crc"/> does not have the <paramref name="declared"/> one.</summary>
    public static void CheckCrc(PreparedEntry entry, uint crc, uint declared)
    {
        if (crc != declared)
        {
            throw new ArchiveException(entry.Name, $"content has CRC-32 0x{crc:X8}, but the declared CRC-32 is 0x{declared:X8}");
        }
    }

    private ArchiveException TooLargeWithoutZip64(string field, long value) => new(
        _entry.Name,
        _archive.Options.Zip64 == Zip64Mode.Never
            ? $"{field} reached {value} bytes; without zip64 (Zip64Mode.Never) the limit is {ZipConstants.Max32}"
            : $"{field} reached {value} bytes, more than the 32-bit descriptor chosen from the declared length can hold");

    private static CompressionStream CreateZstd(Stream sink, int level, long? length)
    {
        var stream = new CompressionStream(sink, CompressionLevels.ToZstandard(level), leaveOpen: true);
        if (length is { } known)
        {
            stream.SetPledgedSrcSize((ulong)known);
        }

        return stream;
    }
}
