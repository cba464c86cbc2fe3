using Formats.Streaming;
using Formats.Zip.Encryption;

namespace Formats.Zip.Encoding;

/// <summary>
/// One compression method as the writer knows it: its id in the headers, the version a reader needs for it, how short
/// and how large its output can be, and the encoder of one member's content. Every method is registered once, in
/// <see cref="ZipMethods"/>; the layout, the content writer, copies, raw content and the zip64 rules ask that table
/// instead of switching on the method.
/// </summary>
/// <param name="Method">The method as callers name it.</param>
/// <param name="Id">The compression method field (APPNOTE 4.4.5).</param>
/// <param name="Label">The name used in messages ("stored", "deflate", "zstd").</param>
/// <param name="VersionNeeded">Version needed to extract a file member of this method (APPNOTE 4.4.3.2).</param>
/// <param name="ShortestEncodedLength">The fewest encoded bytes this method writes, even for empty content.</param>
/// <param name="KeepsBytes">
/// True when the encoded bytes are the content's own (stored): a measure or range run can count them without reading
/// them, and their length is known before the content is.
/// </param>
/// <param name="MaxEncodedLengthOf">An upper bound on the encoded size of a length of plain bytes.</param>
/// <param name="CreateEncoder">The encoder of an entry's plain content, writing to the member's output.</param>
internal sealed record ZipMethod(
    ZipCompressionMethod Method,
    ushort Id,
    string Label,
    ushort VersionNeeded,
    long ShortestEncodedLength,
    bool KeepsBytes,
    Func<long, long> MaxEncodedLengthOf,
    Func<ZipMemberWriter, PreparedEntry, MemberOutput, IZipEncoder> CreateEncoder)
{
    /// <summary>An upper bound on the encoded size of <paramref name="length"/> plain bytes (what <see cref="Zip64Rules"/> sizes a descriptor by).</summary>
    public long MaxEncodedLength(long length) => MaxEncodedLengthOf(length);
}

/// <summary>One member's plain content on its way through its method's encoding.</summary>
internal interface IZipEncoder
{
    /// <summary>Encodes the next plain bytes.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Writes what the encoding still holds and its end, after <paramref name="length"/> plain bytes in all.</summary>
    ValueTask FinishAsync(long length, CancellationToken cancellationToken);

    /// <summary>Releases what the encoder holds (buffers, workers, native memory), writing nothing. Never throws.</summary>
    ValueTask AbortAsync();
}

/// <summary>
/// The methods the writer writes and copies, registered once (as Go's archive/zip registers its compressors): stored
/// (0), deflate (8; its fastest level writes fixed Huffman codes, <see cref="FixedHuffmanDeflate"/>, within the same
/// method) and Zstandard (93). Encryption is no method: it wraps whichever of these encoded the content
/// (<see cref="ZipCipher"/>; AES writes 99 in the header and the real method in its extra field).
/// </summary>
internal static class ZipMethods
{
    private static readonly ZipMethod[] All =
    [
        // Method 0: the bytes as they are.
        new(ZipCompressionMethod.Stored, ZipConstants.MethodStored, "stored", ZipConstants.VersionStored, ShortestEncodedLength: 0, KeepsBytes: true,
            MaxEncodedLengthOf: static length => length,
            CreateEncoder: static (members, entry, output) => StoredEncoder.For(members, output)),

        // Method 8: deflate in independent chunks on several cores. Shortest: a final block's 3 header bits and its end
        // code, 2 bytes (RFC 1951 3.2.6). Largest: stored blocks, 5 bytes a 16 KiB block as zlib's deflateBound, with headroom.
        new(ZipCompressionMethod.Deflate, ZipConstants.MethodDeflate, "deflate", ZipConstants.VersionDeflateOrDirectory, ShortestEncodedLength: 2, KeepsBytes: false,
            MaxEncodedLengthOf: static length => length + (length >> 12) + (length >> 14) + (length >> 25) + 64,
            CreateEncoder: static (members, entry, output) => new ChunkedDeflater(output, members.Buffers, ZipEntryOptions.LevelOf(entry, members.Options), members.Options.MaxDegreeOfParallelism)),

        // Method 93: Zstandard, one frame a member. Shortest: magic number, frame header descriptor, one more header byte
        // and a block header, 9 bytes (RFC 8878 3.1.1). Largest: zstd's compress bound, with headroom.
        new(ZipCompressionMethod.Zstandard, ZipConstants.MethodZstandard, "zstd", ZipConstants.VersionZstandard, ShortestEncodedLength: 9, KeepsBytes: false,
            MaxEncodedLengthOf: static length => length + (length >> 8) + (128 * 1024) + 64,
            CreateEncoder: static (members, entry, output) => new ZstandardEncoder(output, CompressionLevels.ToZstandard(ZipEntryOptions.LevelOf(entry, members.Options)), entry.Length)),
    ];

    /// <summary>The method <paramref name="method"/> names; throws for <see cref="ZipCompressionMethod.Auto"/>, which is decided first.</summary>
    public static ZipMethod For(ZipCompressionMethod method)
    {
        foreach (var m in All)
        {
            if (m.Method == method)
            {
                return m;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(method), method, "a method to write, decided before the layout");
    }

    /// <summary>The method whose header id is <paramref name="id"/>, or null when the writer has none such.</summary>
    public static ZipMethod? ForId(ushort id)
    {
        foreach (var m in All)
        {
            if (m.Id == id)
            {
                return m;
            }
        }

        return null;
    }

    /// <summary>True for a method the writer can write (every method but <see cref="ZipCompressionMethod.Auto"/>).</summary>
    public static bool Writes(ZipCompressionMethod method) => Array.Exists(All, m => m.Method == method);

    /// <summary>The methods by id and label, for messages: "0 (stored), 8 (deflate) and 93 (zstd)".</summary>
    public static string Described()
    {
        var each = Array.ConvertAll(All, m => $"{m.Id} ({m.Label})");
        return string.Join(", ", each[..^1]) + " and " + each[^1];
    }
}
