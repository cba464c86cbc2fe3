using System.Buffers;

namespace Formats.Zip.Encoding;

/// <summary>
/// One archive's rented buffers: rented from and returned to the shared pool, and counted, so that a test can show an
/// aborted archive gave every one of them back. Safe to use from the compression workers.
/// </summary>
internal sealed class BufferLedger
{
    private long _outstanding;

    /// <summary>Buffers rented and not yet returned.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    public byte[] Rent(int minimumLength)
    {
        var array = ArrayPool<byte>.Shared.Rent(minimumLength);
        Interlocked.Increment(ref _outstanding);
        return array;
    }

    public void Return(byte[] array)
    {
        ArrayPool<byte>.Shared.Return(array);
        Interlocked.Decrement(ref _outstanding);
    }
}
