namespace Formats.Zip;

/// <summary>MS-DOS date and time as zip headers carry them (APPNOTE 4.4.6): local wall clock, 2-second steps, 1980–2107.</summary>
internal readonly record struct DosDateTime(ushort Time, ushort Date)
{
    private static readonly DateTime Min = new(1980, 1, 1, 0, 0, 0);
    private static readonly DateTime Max = new(2107, 12, 31, 23, 59, 58);

    /// <summary>The wall-clock time of <paramref name="value"/> (in its own offset), clamped to the DOS range.</summary>
    public static DosDateTime From(DateTimeOffset value)
    {
        var t = value.DateTime;
        t = t < Min ? Min : t > Max ? Max : t;
        var date = ((t.Year - 1980) << 9) | (t.Month << 5) | t.Day;
        var time = (t.Hour << 11) | (t.Minute << 5) | (t.Second / 2);
        return new DosDateTime((ushort)time, (ushort)date);
    }

    /// <summary>The wall-clock time read as UTC (a zip keeps no offset); the DOS range's start for a field that is no date.</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        int year = 1980 + (Date >> 9), month = (Date >> 5) & 0xF, day = Date & 0x1F;
        int hour = Time >> 11, minute = (Time >> 5) & 0x3F, second = (Time & 0x1F) * 2;
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && hour < 24 && minute < 60 && second < 60
            ? new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero)
            : new DateTimeOffset(Min, TimeSpan.Zero);
    }
}
