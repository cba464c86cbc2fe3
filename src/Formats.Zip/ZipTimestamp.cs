using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// An entry's modification time in the forms zip carries it: MS-DOS fields, plus one extra field in both headers.
/// Times the extended timestamp's signed 32-bit seconds hold from 1970 on get 0x5455 (Info-ZIP "UT", UTC, 1 s);
/// earlier or later times get the NTFS extra 0x000A with 64-bit FILETIMEs (100 ns).
/// </summary>
internal readonly struct ZipTimestamp
{
    private static readonly long FileTimeEpochTicks = new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // One value in whichever form the extra field carries (seconds since 1970, or a FILETIME), so that the central
    // directory record kept per entry until the archive is complete stays small.
    private readonly long _value;

    private ZipTimestamp(long value, DosDateTime dos, bool useNtfs)
    {
        _value = value;
        Dos = dos;
        UseNtfs = useNtfs;
    }

    public DosDateTime Dos { get; }

    /// <summary>True when the time needs the NTFS extra field (before 1970 or after 2038).</summary>
    public bool UseNtfs { get; }

    /// <summary>Seconds since 1970 (for the UT extra field).</summary>
    public long UnixSeconds => UseNtfs ? throw new InvalidOperationException("an NTFS time") : _value;

    /// <summary>100 ns ticks since 1601 (for the NTFS extra field).</summary>
    public ulong FileTime => UseNtfs ? (ulong)_value : throw new InvalidOperationException("a UT time");

    public int ExtraLength => UseNtfs ? NtfsExtraField.FixedLength : ExtendedTimestampExtraField.FixedLength;

    public static ZipTimestamp From(DateTimeOffset value)
    {
        var seconds = value.ToUnixTimeSeconds();
        var ticks = value.UtcTicks - FileTimeEpochTicks;
        return seconds is < 0 or > int.MaxValue
            ? new ZipTimestamp(ticks < 0 ? 0 : ticks, DosDateTime.From(value), useNtfs: true)
            : new ZipTimestamp(seconds, DosDateTime.From(value), useNtfs: false);
    }

    /// <summary>Writes the time extra field (the same in local and central headers) and returns its length.</summary>
    public int WriteExtra(Span<byte> destination)
    {
        if (UseNtfs)
        {
            new NtfsExtraField { ModificationTime = FileTime, AccessTime = FileTime, CreationTime = FileTime }.Write(destination);
            return NtfsExtraField.FixedLength;
        }

        new ExtendedTimestampExtraField
        {
            Flags = ZipConstants.ExtendedTimestampModificationTime,
            ModificationTime = (int)UnixSeconds,
        }.Write(destination);
        return ExtendedTimestampExtraField.FixedLength;
    }
}
