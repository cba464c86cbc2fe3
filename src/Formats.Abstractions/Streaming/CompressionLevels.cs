namespace Formats.Streaming;

/// <summary>The 0–9 compression scale every writer takes (zlib's), and its mapping onto Zstandard's levels.</summary>
internal static class CompressionLevels
{
    public const int Default = 6;

    /// <summary>zstd level for each step of the 0–9 scale: 0–2 → 1, 3–4 → 2, 5–6 → 3 (zstd's default), 7 → 5, 8 → 9, 9 → 19.</summary>
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
