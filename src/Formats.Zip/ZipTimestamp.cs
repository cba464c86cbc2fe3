using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// An entry's modification time in the forms zip carries it: MS-DOS fields, plus one extra field in both headers.
/// Times the extended timestamp's signed 32-bit seconds hold from 1970 on get 0x5455 (Info-ZIP "UT", UTC, 1 s);
/// earlier or later times get the NTFS extra 0x000A with 64-bit FILETIMEs (100 ns).
/// </summary>
internal readonly record struct ZipTimestamp(DosDateTime Dos, long UnixSeconds, ulong FileTime, bool UseNtfs)
{
    private static readonly long FileTimeEpochTicks = new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    public int ExtraLength => UseNtfs ? NtfsExtraField.FixedLength : ExtendedTimestampExtraField.FixedLength;

    public static ZipTimestamp From(DateTimeOffset value)
    {
        var seconds = value.ToUnixTimeSeconds();
        var ticks = value.UtcTicks - FileTimeEpochTicks;
        return new ZipTimestamp(
            DosDateTime.From(value),
            seconds,
            ticks < 0 ? 0 : (ulong)ticks,
            UseNtfs: seconds is < 0 or > int.MaxValue);
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
