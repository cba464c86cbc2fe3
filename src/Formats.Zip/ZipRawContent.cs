using Formats.Zip.Encoding;

namespace Formats.Zip;

/// <summary>
/// What a raw member declares (Go's <c>CreateRaw</c>): its content arrives compressed already with <see cref="Method"/>,
/// <see cref="CompressedLength"/> bytes standing for <see cref="Length"/> plain bytes of CRC-32 <see cref="Crc32"/>. The
/// writer copies the compressed bytes without decoding them: a source that delivers another number of bytes fails the
/// archive, but the CRC-32 and the plain length cannot be checked without decompressing, so they are the caller's
/// promise (readers check them when they extract). Known up front, they go in the local header (no data descriptor),
/// and a plan can lay the member out whatever its method: its byte ranges are known.
/// </summary>
public sealed class ZipRawContent
{
    /// <summary>Describes raw content; throws <see cref="ArgumentException"/> for what cannot be (auto, negative lengths, stored with two lengths).</summary>
    public ZipRawContent(ZipCompressionMethod method, uint crc32, long compressedLength, long length)
    {
        if (!ZipMethods.Writes(method))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "raw content is stored, deflate or zstd data; auto decides nothing about bytes compressed already");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(compressedLength);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (method == ZipCompressionMethod.Stored && compressedLength != length)
        {
            throw new ArgumentException($"stored content is its own bytes, but the compressed length is {compressedLength} and the length {length}", nameof(compressedLength));
        }

        var shortest = ZipMethods.For(method).ShortestEncodedLength;
        if (compressedLength < shortest)
        {
            throw new ArgumentOutOfRangeException(nameof(compressedLength), compressedLength, $"{method} data is at least {shortest} bytes, even for empty content");
        }

        if (length == 0 && method == ZipCompressionMethod.Stored && crc32 != 0)
        {
            throw new ArgumentException($"empty content has CRC-32 0, not 0x{crc32:X8}", nameof(crc32));
        }

        Method = method;
        Crc32 = crc32;
        CompressedLength = compressedLength;
        Length = length;
    }

    /// <summary>How the bytes are compressed: the member's method.</summary>
    public ZipCompressionMethod Method { get; }

    /// <summary>CRC-32 of the plain content.</summary>
    public uint Crc32 { get; }

    /// <summary>How many compressed bytes the source delivers.</summary>
    public long CompressedLength { get; }

    /// <summary>Length of the plain content.</summary>
    public long Length { get; }
}
