namespace Formats;

/// <summary>How a sink checks and normalises entry names before anything of the entry is written.</summary>
/// <remarks>
/// Backslashes become '/'. Refused: empty names and segments, absolute paths, drive letters, '.' and '..' segments,
/// NUL and other control characters, text that is not valid Unicode, symbolic link targets that leave the archive,
/// and (unless <see cref="Duplicates"/> says otherwise) a name already used in the archive.
/// These are the "Zip Slip" family of attacks on whoever extracts the archive.
/// </remarks>
public sealed class EntryNamePolicy
{
    /// <summary>The default policy: refuse duplicates.</summary>
    public static EntryNamePolicy Default { get; } = new();

    /// <summary>What to do with a name that an earlier entry already has (or, unless <see cref="AllowCollidingNames"/>, one that differs from it only in case or Unicode normalization).</summary>
    public DuplicateNameHandling Duplicates { get; init; } = DuplicateNameHandling.Refuse;

    /// <summary>
    /// False (the default): refuse names that would overwrite each other where the archive is extracted, though they
    /// differ as text: names that differ only in case or Unicode normalization (one file on Windows and macOS,
    /// "Photo.jpg" and "photo.jpg"; "é" written as one code point or as "e" and a combining accent), in final sigma
    /// ("ς" and "σ"), or in a segment's trailing dots and spaces ("a.txt" and "a.txt.": one file on Windows), and a file or link
    /// with the name of a folder that other names lie in ("a" beside "a/b"). True: allow them, for archives that mirror
    /// a case-sensitive source exactly and are extracted only where that holds.
    /// </summary>
    public bool AllowCollidingNames { get; init; }
}

/// <summary>What to do with a name that an earlier entry already has.</summary>
public enum DuplicateNameHandling
{
    /// <summary>Refuse the entry with <see cref="InvalidEntryNameException"/>.</summary>
    Refuse,

    /// <summary>Rename it by adding " (1)", " (2)", ... before the last segment's extension.</summary>
    Rename,
}

/// <summary>The rule of the <see cref="EntryNamePolicy"/> that an entry name broke.</summary>
public enum EntryNameRule
{
    /// <summary>The name is empty.</summary>
    Empty,

    /// <summary>The name starts with '/' (or '\').</summary>
    Absolute,

    /// <summary>The name starts with a drive letter such as "C:".</summary>
    DriveLetter,

    /// <summary>The name has an empty segment ("a//b"), or a file name ends with '/'.</summary>
    EmptySegment,

    /// <summary>The name has a "." segment.</summary>
    DotSegment,

    /// <summary>The name has a ".." segment.</summary>
    DotDotSegment,

    /// <summary>The name has NUL or another control character.</summary>
    ControlCharacter,

    /// <summary>The name is not valid Unicode (an unpaired surrogate), so it has no UTF-8 form.</summary>
    InvalidUnicode,

    /// <summary>An earlier entry has the same name.</summary>
    Duplicate,

    /// <summary>A symbolic link's target is absolute or leads outside the archive.</summary>
    LinkEscapesArchive,

    /// <summary>
    /// The name would overwrite an earlier one where the archive is extracted: it differs only in case, Unicode
    /// normalization, final sigma or a segment's trailing dots and spaces, or a file and a folder of other entries
    /// have the same name (<see cref="EntryNamePolicy.AllowCollidingNames"/>).
    /// </summary>
    Collision,
}

/// <summary>An entry name (or link target) that the name policy refuses; nothing of the entry was written.</summary>
public sealed class InvalidEntryNameException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidEntryNameException(string entryName, EntryNameRule rule, string problem)
        : base($"entry '{Printable(entryName)}': {problem} (rule: {rule})")
    {
        EntryName = entryName;
        Rule = rule;
    }

    /// <summary>The name as the caller gave it.</summary>
    public string EntryName { get; }

    /// <summary>The rule it broke.</summary>
    public EntryNameRule Rule { get; }

    private static string Printable(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                builder.Append($"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
