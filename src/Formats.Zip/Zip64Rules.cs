using Formats.Zip.Encoding;

namespace Formats.Zip;

/// <summary>
/// Where zip64 goes, decided in one place (docs/format-decisions.md, "Zip64"): the local header's extra (which also
/// fixes the descriptor's width), the central header's saturated fields, the end records, and what
/// <see cref="Zip64Mode.Never"/> refuses. Limits compare with <c>&gt;=</c> 0xFFFFFFFF (and 0xFFFF for counts): that value
/// is the escape, so a value equal to it goes to zip64 too.
/// </summary>
internal static class Zip64Rules
{
    /// <summary>
    /// True when the local header at <paramref name="offset"/> carries the zip64 extra. With sizes up front that is when
    /// they do not fit; with a descriptor, when the length is unknown, its worst-case encoded size may not fit, or the
    /// header starts beyond 4 GiB (readers size the descriptor from this extra, so it is decided now). Throws under
    /// <see cref="Zip64Mode.Never"/> for an offset or declared length that needs zip64.
    /// </summary>
    public static bool InLocalHeader(string entryName, ZipWriterOptions options, bool sizesUpFront, ushort method, long? length, long offset)
    {
        if (options.Zip64 == Zip64Mode.Never)
        {
            if (offset > ZipConstants.Max32)
            {
                throw Refused(entryName, $"local header would start at offset {offset}; without zip64 (Zip64Mode.Never) offsets end at {ZipConstants.Max32}");
            }

            if (length > ZipConstants.Max32)
            {
                throw Refused(entryName, $"length is {length} bytes; without zip64 (Zip64Mode.Never) an entry holds at most {ZipConstants.Max32}");
            }

            return false;
        }

        if (options.Zip64 == Zip64Mode.Always)
        {
            return true;
        }

        return sizesUpFront
            ? length > ZipConstants.Max32
            : length is not { } known || MaxEncodedLength(method, known) > ZipConstants.Max32 || offset > ZipConstants.Max32;
    }

    /// <summary>Which of the central header's 32-bit fields are saturated into its zip64 extra.</summary>
    public static (bool Uncompressed, bool Compressed, bool Offset) InCentralHeader(bool always, long uncompressed, long compressed, long offset) => (
        always || uncompressed > ZipConstants.Max32,
        always || compressed > ZipConstants.Max32,
        always || offset > ZipConstants.Max32);

    /// <summary>Refuses, under <see cref="Zip64Mode.Never"/>, an entry numbered beyond what the end record counts.</summary>
    public static void CheckEntryNumber(string entryName, ZipWriterOptions options, int number)
    {
        if (options.Zip64 == Zip64Mode.Never && number > ZipConstants.MaxEntries16)
        {
            throw Refused(entryName, $"it would be entry number {number}; without zip64 (Zip64Mode.Never) an archive holds at most {ZipConstants.MaxEntries16}");
        }
    }

    /// <summary>Refuses content that reached a size its local header's form cannot describe.</summary>
    public static void CheckContent(string entryName, ZipWriterOptions options, bool localZip64, long length, long encoded)
    {
        if (localZip64 || (length <= ZipConstants.Max32 && encoded <= ZipConstants.Max32))
        {
            return;
        }

        var (field, value) = length > ZipConstants.Max32 ? ("length", length) : ("compressed size", encoded);
        throw Refused(entryName, options.Zip64 == Zip64Mode.Never
            ? $"{field} reached {value} bytes; without zip64 (Zip64Mode.Never) the limit is {ZipConstants.Max32}"
            : $"{field} reached {value} bytes, more than the 32-bit descriptor chosen from the declared length can hold");
    }

    /// <summary>
    /// True when the zip64 end record and locator are written: the entry count, or the central directory's offset or
    /// size, reached its limit (or <see cref="Zip64Mode.Always"/>). Throws under <see cref="Zip64Mode.Never"/> when needed.
    /// </summary>
    public static bool InEndRecords(ZipWriterOptions options, long count, long directoryOffset, long directorySize)
    {
        var needed = options.Zip64 == Zip64Mode.Always || count > ZipConstants.MaxEntries16 || directoryOffset > ZipConstants.Max32 || directorySize > ZipConstants.Max32;
        if (needed && options.Zip64 == Zip64Mode.Never)
        {
            throw Refused(null, $"the central directory starts at offset {directoryOffset} and is {directorySize} bytes; without zip64 (Zip64Mode.Never) both must stay at most {ZipConstants.Max32}");
        }

        return needed;
    }

    /// <summary>A 32-bit field of the end record: the value, or saturated when zip64 holds it.</summary>
    public static uint EndField32(bool always, long value) => always || value > ZipConstants.Max32 ? ZipConstants.Zip64Saturated32 : (uint)value;

    /// <summary>The end record's entry count: the count, or saturated when zip64 holds it.</summary>
    public static ushort EndCount16(bool always, long count) => always || count > ZipConstants.MaxEntries16 ? ZipConstants.Zip64Saturated16 : (ushort)count;

    /// <summary>An upper bound on the encoded size of <paramref name="length"/> bytes, as the method's encoder states it (<see cref="ZipMethod.MaxEncodedLength"/>).</summary>
    public static long MaxEncodedLength(ushort method, long length) =>
        (ZipMethods.ForId(method) ?? throw new ArgumentOutOfRangeException(nameof(method), method, "a method the writer registers")).MaxEncodedLength(length);

    private static ArchiveException Refused(string? entryName, string message) => new(entryName, ArchiveErrorReason.FormatLimit, message);
}
