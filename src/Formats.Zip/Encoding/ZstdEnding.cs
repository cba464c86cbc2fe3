namespace Formats.Zip.Encoding;

/// <summary>
/// What follows a zstd member's frame: an empty skippable frame (RFC 8878 3.1.2) when the content's length is a
/// non-zero multiple of 128 KiB, else nothing. libarchive up to 3.7 (<c>zip_read_data_zipx_zstd</c>) decompresses into
/// a 128 KiB buffer and ends the member only when the call that consumes its last compressed byte leaves that buffer
/// short of full; when the content is a multiple of 128 KiB and the frame is in its read-ahead (compressible content),
/// that call fills it exactly, the next one finds no input and fails ("Truncated zstd file body"). No shape of the frame
/// itself helps (checksum, content size and block layout were tried): the decoder consumes everything after the last
/// byte of output in the same call. A skippable frame after it ends that call at the frame's end instead, and the next
/// one, reading the 8 bytes, produces nothing and ends the member. Every zstd decoder skips it (zstd -t, 7-Zip, ZstdSharp).
/// See docs/interop.md, "zstd members and libarchive 3.6".
/// </summary>
internal static class ZstdEnding
{
    /// <summary>libarchive's output buffer for zstd members: <c>ZSTD_DStreamOutSize()</c>, one full block (RFC 8878 3.1.1.2.3).</summary>
    public const int ReaderBufferLength = 128 * 1024;

    /// <summary>Skippable frame: magic number 0x184D2A50 (RFC 8878 3.1.2, any of 0x184D2A5?), then Frame_Size 0, no user data.</summary>
    private static readonly byte[] EmptySkippableFrame = [0x50, 0x2A, 0x4D, 0x18, 0x00, 0x00, 0x00, 0x00];

    /// <summary>True when a member of <paramref name="length"/> plain bytes gets the skippable frame.</summary>
    public static bool NeedsSkippableFrame(long length) => length > 0 && length % ReaderBufferLength == 0;

    /// <summary>Writes the skippable frame to <paramref name="frameOutput"/> (where the frame went) when the member needs it.</summary>
    public static ValueTask WriteAsync(Stream frameOutput, long length, CancellationToken cancellationToken) =>
        NeedsSkippableFrame(length) ? frameOutput.WriteAsync(EmptySkippableFrame, cancellationToken) : ValueTask.CompletedTask;
}
