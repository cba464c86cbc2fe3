using System.Collections.Frozen;

namespace Formats.Zip.Encoding;

/// <summary>
/// How <see cref="ZipCompressionMethod.Auto"/> chooses between storing and deflating a member: by its name first, then
/// by deflating its first <see cref="TrialLength"/> bytes at the archive's level.
/// </summary>
internal static class AutoMethod
{
    /// <summary>Plain bytes the trial compresses; also the most the decision holds in memory.</summary>
    public const int TrialLength = 64 * 1024;

    /// <summary>Extensions of formats that are compressed already, where deflate only costs time.</summary>
    private static readonly FrozenSet<string> CompressedExtensions = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        // images
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".avif", ".jxl",
        // audio and video
        ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv",
        // archives and compressed streams
        ".zip", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".tzst", ".lz4", ".lzma", ".br", ".7z", ".rar", ".cab",
        // containers that are zips inside
        ".jar", ".war", ".apk", ".ipa", ".nupkg", ".whl", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub",
        // fonts
        ".woff", ".woff2");

    /// <summary>True when the member's name says it is compressed already.</summary>
    public static bool IsCompressedByName(string name) => CompressedExtensions.Contains(Path.GetExtension(name));

    /// <summary>True when deflate is worth it: it saved at least 5% of <paramref name="plain"/> bytes.</summary>
    public static bool Saves(long plain, long encoded) => encoded <= plain - (plain / 20);

    /// <summary>Deflates <paramref name="first"/> (a member's first bytes, or all of them) and judges the result.</summary>
    public static bool TrialSaves(BufferLedger buffers, ReadOnlySpan<byte> first, int level)
    {
        var trial = DeflateChunks.Compress(buffers, first, level, final: true);
        var saves = Saves(first.Length, trial.Length);
        trial.Return();
        return saves;
    }
}
