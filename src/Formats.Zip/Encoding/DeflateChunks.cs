using System.IO.Compression;

namespace Formats.Zip.Encoding;

/// <summary>
/// Deflate cut into independent chunks that join into one valid deflate stream, so that chunks can be compressed on
/// different threads and the bytes do not depend on how many there are. Each chunk starts with no history; every chunk
/// but the last ends with a sync flush (its blocks closed, then an empty stored block that ends on a byte boundary, as
/// pigz does), so the next chunk's blocks follow it directly; the last chunk ends with the final block. A member of
/// one chunk is exactly what a single deflate stream gives. Starting each 1 MiB without the previous 32 KiB of history
/// costs about 0.3% of size at level 6 on text, 0.04% at level 1 (measured; docs/benchmarks.md).
/// </summary>
internal static class DeflateChunks
{
    /// <summary>Plain bytes per chunk.</summary>
    public const int ChunkSize = 1024 * 1024;

    /// <summary>zlib's fastest level: zlib-ng writes fixed Huffman codes only, as <see cref="FixedHuffmanDeflate"/> does.</summary>
    private const int FastestLevel = 1;

    /// <summary>BFINAL=1, BTYPE=01 (fixed Huffman), then the 7-bit end-of-block code 0: the whole deflate stream of no bytes.</summary>
    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    /// <summary>One options object per level, shared (a stream only reads it when it is created).</summary>
    private static readonly ZLibCompressionOptions[] Options =
        [.. Enumerable.Range(0, 10).Select(level => new ZLibCompressionOptions { CompressionLevel = level })];

    /// <summary>Plain bytes up to which a final chunk at the fastest level is compressed faster than it is handed to a worker.</summary>
    private const int QuickLength = 4 * 1024;

    /// <summary>True when a member of <paramref name="length"/> bytes at <paramref name="level"/> is cheaper to compress on the caller's flow than on a worker.</summary>
    public static bool IsQuick(long length, int level) => level == FastestLevel && length <= QuickLength;

    /// <summary>
    /// Compresses <paramref name="input"/> as one chunk at zlib level <paramref name="level"/>: the last chunk of a
    /// member when <paramref name="final"/>, else one that a further chunk follows. The result is rented: return it.
    /// </summary>
    public static PooledBuffer Compress(BufferLedger ledger, ReadOnlySpan<byte> input, int level, bool final)
    {
        if (final && level == FastestLevel && input.Length <= FixedHuffmanDeflate.MaxInput)
        {
            // What zlib-ng writes at this level (fixed codes), without its 300 KB of state per stream: for a few KiB
            // that setup costs more than the compression.
            var small = new PooledBuffer(ledger, FixedHuffmanDeflate.OutputRoom(input.Length));
            small.Advance(FixedHuffmanDeflate.Encode(input, small.GetSpan(FixedHuffmanDeflate.OutputRoom(input.Length))));
            return small;
        }

        var output = new PooledBuffer(ledger, input.Length + (input.Length >> 6) + 64);
        var deflate = new DeflateStream(output, Options[level], leaveOpen: true);
        deflate.Write(input);
        if (final)
        {
            deflate.Dispose();
            if (output.Length == 0)
            {
                // DeflateStream writes nothing at all for no input, which is not a deflate stream: write what zlib writes
                // for an empty input, one final fixed-Huffman block holding only its end-of-block code (RFC 1951 3.2.6).
                output.Write(EmptyFinalBlock);
            }

            return output;
        }

        // Flush is Z_SYNC_FLUSH; what Dispose adds after it (an empty final block) is cut off again.
        deflate.Flush();
        var length = output.Length;
        deflate.Dispose();
        output.SetLength(length);
        return output;
    }
}
