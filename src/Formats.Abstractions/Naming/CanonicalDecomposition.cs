using System.Text;

namespace Formats.Naming;

/// <summary>
/// The key under which two names are the same file where they are extracted on Windows (case-insensitive; trailing
/// dots and spaces of each segment dropped) or macOS (case- and normalization-insensitive): canonical decomposition
/// (Unicode NFD, from the generated table, as string normalization is not available under invariant globalization),
/// each run of combining marks in one order, lower case with final sigma as sigma, and no segment ending in '.' or ' '.
/// </summary>
internal static partial class CanonicalDecomposition
{
    // Hangul syllables decompose by arithmetic (Unicode 3.12, "Conjoining Jamo Behavior").
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, TCount = 28, NCount = 588, SCount = 11172;

    // The generated tables, read once into arrays: the span properties over them cost an allocation an access where
    // the JIT does not expand them (unoptimized code), and a name is looked up a code point at a time.
    private static readonly int[] CodePointArray = CodePoints.ToArray();
    private static readonly ushort[] StartArray = Starts.ToArray();
    private static readonly char[] DecompositionArray = Decompositions.ToArray();

    /// <summary>GREEK SMALL LETTER FINAL SIGMA, one letter with σ (and Σ) where case is ignored.</summary>
    private const char FinalSigma = '\u03C2';

    /// <summary>GREEK SMALL LETTER SIGMA.</summary>
    private const char Sigma = '\u03C3';

    /// <summary>The collision key of <paramref name="name"/>; the name itself (the same instance) when it is plain lower-case ASCII.</summary>
    public static string FoldKey(string name)
    {
        var plain = true;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c >= 0x80 || char.IsAsciiLetterUpper(c) || (c is '.' or ' ' && (i + 1 == name.Length || name[i + 1] == '/')))
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            return name;
        }

        var decomposed = new StringBuilder(name.Length + 8);
        foreach (var rune in name.EnumerateRunes())
        {
            Decompose(rune, decomposed);
        }

        // Then in place, each step one pass: marks ordered, lower case, segments without trailing dots and spaces.
        var key = new char[decomposed.Length];
        decomposed.CopyTo(0, key, key.Length);
        SortCombiningMarkRuns(key);
        for (var i = 0; i < key.Length; i++)
        {
            var lower = char.ToLowerInvariant(key[i]);
            key[i] = lower == FinalSigma ? Sigma : lower;
        }

        return new string(key, 0, WithoutTrailingDotsAndSpaces(key));
    }

    /// <summary>
    /// Drops each segment's trailing dots and spaces, in place, and returns the length left: Windows drops them when it
    /// creates a file or folder, so "a.txt", "a.txt." and "a.txt " are one file, and "d./f" lies in the folder "d".
    /// </summary>
    private static int WithoutTrailingDotsAndSpaces(char[] key)
    {
        var written = 0;
        var segmentEnd = 0;
        foreach (var c in key)
        {
            key[written++] = c;
            if (c == '/')
            {
                key[segmentEnd] = '/';
                written = segmentEnd + 1;
                segmentEnd = written;
            }
            else if (c is not ('.' or ' '))
            {
                segmentEnd = written;
            }
        }

        return segmentEnd;
    }

    private static void Decompose(Rune rune, StringBuilder into)
    {
        var codePoint = rune.Value;
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

        var at = Array.BinarySearch(CodePointArray, codePoint);
        if (at < 0)
        {
            Span<char> units = stackalloc char[2];
            into.Append(units[..rune.EncodeToUtf16(units)]);
            return;
        }

        into.Append(DecompositionArray.AsSpan(StartArray[at]..StartArray[at + 1]));
    }

    /// <summary>
    /// Puts each run of combining marks in code unit order: canonically equivalent strings differ only in the order of
    /// marks of different combining classes, so they agree after it (names differing only in the order of marks of
    /// one class, which are not equivalent, collide too: a rare false collision, never a missed one).
    /// </summary>
    private static void SortCombiningMarkRuns(Span<char> key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var end = i;
            while (end < key.Length && IsCombiningMark(key[end]))
            {
                end++;
            }

            key[i..end].Sort();
            i = end;
        }
    }

    private static bool IsCombiningMark(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark;
}
