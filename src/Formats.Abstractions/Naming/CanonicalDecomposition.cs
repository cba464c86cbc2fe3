using System.Text;

namespace Formats.Naming;

/// <summary>
/// The key under which two names are the same file where they are extracted on Windows (case-insensitive) or macOS
/// (case- and normalization-insensitive): canonical decomposition (Unicode NFD, from the generated table, as string
/// normalization is not available under invariant globalization), each run of combining marks in one order, and lower case.
/// </summary>
internal static partial class CanonicalDecomposition
{
    // Hangul syllables decompose by arithmetic (Unicode 3.12, "Conjoining Jamo Behavior").
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, TCount = 28, NCount = 588, SCount = 11172;

    /// <summary>The collision key of <paramref name="name"/>; the name itself (the same instance) when it is plain lower-case ASCII.</summary>
    public static string FoldKey(string name)
    {
        var plain = true;
        foreach (var c in name)
        {
            if (c >= 0x80 || char.IsAsciiLetterUpper(c))
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            return name;
        }

        var key = new StringBuilder(name.Length + 8);
        foreach (var rune in name.EnumerateRunes())
        {
            Decompose(rune.Value, key);
        }

        SortCombiningMarkRuns(key);
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = char.ToLowerInvariant(key[i]);
        }

        return key.ToString();
    }

    private static void Decompose(int codePoint, StringBuilder into)
    {
        if (codePoint is >= SBase and < SBase + SCount)
        {
            var s = codePoint - SBase;
            into.Append((char)(LBase + (s / NCount))).Append((char)(VBase + (s % NCount / TCount)));
            if (s % TCount != 0)
            {
                into.Append((char)(TBase + (s % TCount)));
            }

            return;
        }

        var at = CodePoints.BinarySearch(codePoint);
        if (at < 0)
        {
            into.Append(char.ConvertFromUtf32(codePoint));
            return;
        }

        into.Append(Decompositions[Starts[at]..Starts[at + 1]]);
    }

    /// <summary>
    /// Puts each run of combining marks in code unit order: canonically equivalent strings differ only in the order of
    /// marks of different combining classes, so they agree after it (names differing only in the order of marks of
    /// one class, which are not equivalent, collide too: a rare false collision, never a missed one).
    /// </summary>
    private static void SortCombiningMarkRuns(StringBuilder key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var end = i;
            while (end < key.Length && IsCombiningMark(key[end]))
            {
                end++;
            }

            if (end - i > 1)
            {
                var run = new char[end - i];
                key.CopyTo(i, run, run.Length);
                Array.Sort(run);
                for (var j = 0; j < run.Length; j++)
                {
                    key[i + j] = run[j];
                }
            }

            i = end;
        }
    }

    private static bool IsCombiningMark(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark;
}
