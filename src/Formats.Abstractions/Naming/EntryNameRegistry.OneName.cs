namespace Formats.Naming;

/// <summary>What one name, link target or legacy name may be on its own, whatever the other names of the archive.</summary>
internal sealed partial class EntryNameRegistry
{
    /// <summary>Checks a symbolic link's target: relative, '/' separators, and never above the archive root from where the link sits.</summary>
    public static string CheckLinkTarget(string entryName, string normalizedName, string target)
    {
        if (target.Length == 0)
        {
            throw new InvalidEntryNameException(entryName, EntryNameRule.Empty, "link target is empty");
        }

        var t = target.Replace('\\', '/');
        CheckCharacters(entryName, t, "link target");
        if (t[0] == '/' || IsDriveLetter(t))
        {
            throw new InvalidEntryNameException(entryName, EntryNameRule.LinkEscapesArchive, $"link target '{target}' is absolute");
        }

        // Depth of the link's folder below the root, then walk the target.
        var depth = normalizedName.Count(c => c == '/');
        foreach (var segment in t.Split('/'))
        {
            if (segment == "..")
            {
                depth--;
                if (depth < 0)
                {
                    throw new InvalidEntryNameException(entryName, EntryNameRule.LinkEscapesArchive, $"link target '{target}' leads outside the archive");
                }
            }
            else if (segment.Length != 0 && segment != ".")
            {
                depth++;
            }
        }

        return t;
    }

    /// <summary>
    /// Checks a name's legacy bytes (<see cref="ArchiveEntry.LegacyName"/>) with the rules that names are checked by, in
    /// any character set that keeps ASCII as ASCII: '/', '\', '.', ':' and control bytes mean what they mean in ASCII, a
    /// byte above 0x7F is part of a segment. Returns the bytes as given (a directory's trailing '/' removed: a format adds
    /// it where it wants it); a refusal names the entry by <paramref name="entryName"/>.
    /// </summary>
    public static byte[] CheckLegacyName(string entryName, ReadOnlySpan<byte> legacy, EntryKind kind)
    {
        var ascii = new char[legacy.Length];
        for (var i = 0; i < legacy.Length; i++)
        {
            ascii[i] = legacy[i] < 0x80 ? (char)legacy[i] : 'x';
        }

        Normalize(entryName, new string(ascii), kind, "legacy name");

        var end = kind == EntryKind.Directory && legacy.EndsWith("/"u8) ? legacy.Length - 1 : legacy.Length;
        return legacy[..end].ToArray();
    }

    private static string Normalize(string name, EntryKind kind) => Normalize(name, name, kind, "name");

    /// <summary>Checks and normalises <paramref name="text"/>; a refusal names the entry <paramref name="name"/> and calls the text <paramref name="what"/>.</summary>
    private static string Normalize(string name, string text, EntryKind kind, string what)
    {
        if (text.Length == 0)
        {
            throw new InvalidEntryNameException(name, EntryNameRule.Empty, $"{what} is empty");
        }

        var n = text.Replace('\\', '/');
        CheckCharacters(name, n, what);
        if (n[0] == '/')
        {
            throw new InvalidEntryNameException(name, EntryNameRule.Absolute, $"{what} is an absolute path; entry names must be relative");
        }

        if (IsDriveLetter(n))
        {
            throw new InvalidEntryNameException(name, EntryNameRule.DriveLetter, $"{what} starts with the drive letter '{n[..2]}'; entry names must be relative");
        }

        if (kind == EntryKind.Directory && n.EndsWith('/'))
        {
            n = n[..^1];
        }

        var start = 0;
        while (true)
        {
            var end = n.IndexOf('/', start);
            var segment = end < 0 ? n.AsSpan(start) : n.AsSpan(start, end - start);
            if (segment.Length == 0)
            {
                var problem = end < 0 ? $"{what} ends with '/' but the entry is not a directory" : $"{what} has an empty segment ('//')";
                throw new InvalidEntryNameException(name, EntryNameRule.EmptySegment, problem);
            }

            if (segment is "..")
            {
                throw new InvalidEntryNameException(name, EntryNameRule.DotDotSegment, $"{what} has a '..' segment");
            }

            if (segment is ".")
            {
                throw new InvalidEntryNameException(name, EntryNameRule.DotSegment, $"{what} has a '.' segment");
            }

            if (end < 0)
            {
                return n;
            }

            start = end + 1;
        }
    }

    private static void CheckCharacters(string original, string text, string what)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                var label = c == '\0' ? "NUL" : $"control character U+{(int)c:X4}";
                throw new InvalidEntryNameException(original, EntryNameRule.ControlCharacter, $"{what} has {label} at index {i}");
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    throw new InvalidEntryNameException(original, EntryNameRule.InvalidUnicode, $"{what} has an unpaired surrogate at index {i}, so it has no UTF-8 form");
                }

                i++;
            }
        }
    }

    private static bool IsDriveLetter(string n) => n.Length >= 2 && n[1] == ':' && char.IsAsciiLetter(n[0]);
}
