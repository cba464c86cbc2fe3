using Formats.Streaming;
using Formats.Zip.Encryption;

namespace Formats.Zip.Encoding;

/// <summary>
/// Method 8: deflate, in independent chunks on several cores (<see cref="ChunkedDeflater"/>). Its shortest output is a
/// final block's 3 header bits and its end code: 2 bytes (RFC 1951 3.2.6).
/// </summary>
internal sealed class DeflateMethod : ZipMethod
{
    public static readonly DeflateMethod Instance = new();

    private DeflateMethod()
        : base(ZipCompressionMethod.Deflate, ZipConstants.MethodDeflate, "deflate", ZipConstants.VersionDeflateOrDirectory, shortestEncodedLength: 2)
    {
    }

    /// <summary>Deflate's stored-block worst case: 5 bytes a 16 KiB block, as zlib's deflateBound, with headroom.</summary>
    public override long MaxEncodedLength(long length) => length + (length >> 12) + (length >> 14) + (length >> 25) + 64;

    public override IZipEncoder CreateEncoder(ZipMemberWriter members, PreparedEntry entry, MemberOutput output) =>
        new ChunkedDeflater(output, members.Buffers, ZipEntryOptions.LevelOf(entry, members.Options), members.Options.MaxDegreeOfParallelism);
}
