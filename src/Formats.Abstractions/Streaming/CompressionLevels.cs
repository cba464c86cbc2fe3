namespace Formats.Streaming;

/// <summary>The 0–9 compression scale every writer takes (zlib's), and its mapping onto Zstandard's levels.</summary>
internal static class CompressionLevels
{
    public const int Default = ArchiveWriterOptions.DefaultCompressionLevel;

    /// <summary>zstd level for each step of the 0–9 scale (the mapping <see cref="ArchiveWriterOptions.CompressionLevel"/> documents).</summary>
    private static ReadOnlySpan<int> Zstandard => [1, 1, 1, 2, 2, 3, 3, 5, 9, 19];

    /// <summary>Returns <paramref name="level"/> if it is on the 0–9 scale.</summary>
    public static int Check(int level, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level, parameterName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9, parameterName);
        return level;
    }

    public static int ToZstandard(int level) => Zstandard[level];
}
