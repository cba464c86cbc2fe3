using Formats.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Formats.Sources;

/// <summary>
/// The data regions of a sparse file, one after another, from <c>offset</c> bytes into them: positioned reads of the
/// file, never of its holes. After the last region, <c>checkAtEnd</c> runs before the end is reported, so a file that
/// changed while it was read fails rather than ends.
/// </summary>
internal sealed class SparseRegionStream : ReadOnlyStreamBase, IEntrySourceMetadata
{
    private readonly SafeFileHandle _handle;
    private readonly SparseMap _map;
    private readonly Action _checkAtEnd;
    private int _region;
    private long _inRegion;
    private long _remaining;
    private bool _checked;

    public SparseRegionStream(SafeFileHandle handle, SparseMap map, long offset, Action checkAtEnd)
    {
        _handle = handle;
        _map = map;
        _checkAtEnd = checkAtEnd;
        _remaining = map.DataLength - offset;

        // Skip whole regions, then into the one the offset falls in.
        while (_region < map.Regions.Count && offset >= map.Regions[_region].Length)
        {
            offset -= map.Regions[_region].Length;
            _region++;
        }

        _inRegion = offset;
    }

    long? IEntrySourceMetadata.Length => _remaining;

    DateTimeOffset? IEntrySourceMetadata.LastModified => null;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!NextRead(buffer.Length, out var fileOffset, out var count))
        {
            return 0;
        }

        return Advance(await RandomAccess.ReadAsync(_handle, buffer[..count], fileOffset, cancellationToken).ConfigureAwait(false));
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (!NextRead(count, out var fileOffset, out var take))
        {
            return 0;
        }

        return Advance(RandomAccess.Read(_handle, buffer.AsSpan(offset, take), fileOffset));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Where the next read goes and how much it takes; false at the end (after the end check).</summary>
    private bool NextRead(int wanted, out long fileOffset, out int count)
    {
        while (_region < _map.Regions.Count && _inRegion == _map.Regions[_region].Length)
        {
            _region++;
            _inRegion = 0;
        }

        if (_region == _map.Regions.Count || wanted == 0)
        {
            if (wanted != 0 && !_checked)
            {
                _checkAtEnd();
                _checked = true;
            }

            (fileOffset, count) = (0, 0);
            return false;
        }

        var region = _map.Regions[_region];
        fileOffset = region.Offset + _inRegion;
        count = (int)Math.Min(wanted, region.Length - _inRegion);
        return true;
    }

    private int Advance(int read)
    {
        if (read == 0)
        {
            var region = _map.Regions[_region];
            throw new IOException($"the file ended at {region.Offset + _inRegion}, inside the data region ({region.Offset}, {region.Length}) of its sparse map: it was truncated since the map was read");
        }

        _inRegion += read;
        _remaining -= read;
        return read;
    }
}
