using System.IO.Compression;
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
    private readonly ZipArchiveWriter _archive;
    private readonly PreparedEntry _entry;
    private readonly ZipEntryLayout _layout;
    private readonly long _headerOffset;
    private readonly long _dataStart;
    private readonly Crc32Accumulator _crc = new();
    private readonly uint? _expectedCrc;
    private readonly Stream? _encoder;
    private long _length;
    private bool _skipped;

    public ZipContentWriter(ZipArchiveWriter archive, PreparedEntry entry, ZipEntryLayout layout, long headerOffset, uint? expectedCrc, int level)
    {
        _expectedCrc = expectedCrc;
        _archive = archive;
        _entry = entry;
        _layout = layout;
        _headerOffset = headerOffset;
        _dataStart = archive.Output.Position;
        var sink = layout.Method == ZipConstants.MethodStored ? null : new ArchiveOutputStream(archive.Output);
        _encoder = layout.Method switch
        {
            ZipConstants.MethodDeflate => new DeflateStream(sink!, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true),
            ZipConstants.MethodZstandard => CreateZstd(sink!, level, entry.Length),
            _ => null,
        };
    }

    private long EncodedLength => _archive.Output.Position - _dataStart;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _crc.Append(data.Span);
        _length += data.Length;
        if (_encoder is null)
        {
            await _archive.Output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _encoder.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }

        if (!_layout.LocalZip64 && EncodedLength > ZipConstants.Max32)
        {
            throw TooLargeWithoutZip64("compressed size", EncodedLength);
        }
    }

    public void Skip(long count)
    {
        if (_encoder is not null)
        {
            throw new InvalidOperationException("compressed content cannot be skipped");
        }

        _skipped = true;
        _length += count;
        _archive.Output.Skip(count);
    }

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        var length = _length;
        if (_encoder is not null)
        {
            await _encoder.DisposeAsync().ConfigureAwait(false);
        }

        // Content skipped outside a window was never read: its CRC is the declared one (0 when only a length is measured).
        var crc = _skipped ? _expectedCrc ?? 0 : _crc.Value;
        if (!_skipped && _expectedCrc is { } declared && declared != crc)
        {
            throw new ArchiveException(_entry.Name, $"content has CRC-32 0x{crc:X8}, but the declared CRC-32 is 0x{declared:X8}");
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
            _layout.NameBytes, _headerOffset, encoded, length, crc, _layout.Method, _layout.Flags, _layout.VersionNeeded, _layout.Time, _layout.ExternalAttributes));
        await _archive.Output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
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
