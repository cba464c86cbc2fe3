using System.Buffers;

namespace Formats.Http;

/// <summary>
/// The read-ahead buffers' memory: 64 KiB segments from a pool of their own, shared by every archive of the process.
/// With many downloads at once, each holding a few segments for a while, the runtime's shared array pool (sized for
/// short rentals on the renting core) runs dry and every segment became a new array that the collector then promoted
/// and swept; here a returned segment waits for the next rental, up to <see cref="MaxRetainedSegments"/> of them.
/// </summary>
internal sealed class SegmentPool : MemoryPool<byte>
{
    public const int SegmentBytes = 64 * 1024;

    /// <summary>Segments kept for reuse (32 MiB); beyond that, returned segments are left to the collector.</summary>
    public const int MaxRetainedSegments = 512;

    public static readonly SegmentPool Instance = new();

    private readonly ArrayPool<byte> _arrays = ArrayPool<byte>.Create(SegmentBytes, MaxRetainedSegments);

    private SegmentPool()
    {
    }

    public override int MaxBufferSize => SegmentBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, SegmentBytes);
        return new Segment(_arrays);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Segment(ArrayPool<byte> arrays) : IMemoryOwner<byte>
    {
        private byte[]? _array = arrays.Rent(SegmentBytes);

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Segment));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                arrays.Return(array);
            }
        }
    }
}
