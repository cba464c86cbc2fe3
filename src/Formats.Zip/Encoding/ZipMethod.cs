using Formats.Streaming;
using Formats.Zip.Encryption;

namespace Formats.Zip.Encoding;

/// <summary>
/// One compression method as the writer knows it: its id in the headers, the version a reader needs for it, how large
/// its output can grow, the shortest output it can have, and the encoder of one member's content. Every method is
/// registered once, in <see cref="ZipMethods"/>; the layout, the content writer, copies, raw content and the zip64
/// rules ask that table instead of switching on the method.
/// </summary>
/// <param name="method">The method as callers name it.</param>
/// <param name="id">The compression method field (APPNOTE 4.4.5).</param>
/// <param name="label">The name used in messages ("stored", "deflate", "zstd").</param>
/// <param name="versionNeeded">Version needed to extract a file member of this method (APPNOTE 4.4.3.2).</param>
/// <param name="shortestEncodedLength">The fewest encoded bytes this method writes, even for empty content.</param>
internal abstract class ZipMethod(ZipCompressionMethod method, ushort id, string label, ushort versionNeeded, long shortestEncodedLength)
{
    /// <summary>The method as callers name it.</summary>
    public ZipCompressionMethod Method => method;

    /// <summary>The compression method field (APPNOTE 4.4.5).</summary>
    public ushort Id => id;

    /// <summary>The name used in messages ("stored", "deflate", "zstd").</summary>
    public string Label => label;

    /// <summary>Version needed to extract a file member of this method (APPNOTE 4.4.3.2).</summary>
    public ushort VersionNeeded => versionNeeded;

    /// <summary>The fewest encoded bytes this method writes, even for empty content.</summary>
    public long ShortestEncodedLength => shortestEncodedLength;

    /// <summary>
    /// True when the encoded bytes are the content's own (stored): a measure or range run can count them without
    /// reading them, and their length is known before the content is.
    /// </summary>
    public virtual bool KeepsBytes => false;

    /// <summary>An upper bound on the encoded size of <paramref name="length"/> plain bytes (what <see cref="Zip64Rules"/> sizes a descriptor by).</summary>
    public abstract long MaxEncodedLength(long length);

    /// <summary>The encoder of <paramref name="entry"/>'s plain content, writing to <paramref name="output"/>.</summary>
    public abstract IZipEncoder CreateEncoder(ZipMemberWriter members, PreparedEntry entry, MemberOutput output);
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
    private static readonly ZipMethod[] All = [StoredMethod.Instance, DeflateMethod.Instance, ZstandardMethod.Instance];

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
