namespace Formats.Testing;

/// <summary>What a reader should show for an entry, worked out here independently of the writer's code.</summary>
internal static class ReaderExpectations
{
    /// <summary>The S_IF* file type bits of a Unix mode.</summary>
    public static int UnixFileType(EntryKind kind) => kind switch
    {
        EntryKind.Directory => 0x4000,
        EntryKind.SymbolicLink => 0xA000,
        _ => 0x8000,
    };

    /// <summary>The DOS time as a reader shows it: the wall clock clamped to 1980–2107, in 2-second steps.</summary>
    public static DateTime DosTime(DateTimeOffset t)
    {
        var d = t.DateTime;
        var min = new DateTime(1980, 1, 1);
        var max = new DateTime(2107, 12, 31, 23, 59, 58);
        d = d < min ? min : d > max ? max : d;
        return new DateTime(d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second / 2 * 2);
    }
}
