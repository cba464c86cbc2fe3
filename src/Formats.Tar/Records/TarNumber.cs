using System.Buffers.Binary;

namespace Formats.Tar.Records;

/// <summary>
/// Numbers in ustar fields: zero-padded octal digits ending in NUL (7 digits in 8-byte fields, 11 in 12-byte fields);
/// a value those digits cannot hold (negative, or too large) in GNU base-256: the field as a big-endian two's-complement
/// number with the top bit of its first byte set. The writer pairs every base-256 value with a pax record.
/// </summary>
internal static class TarNumber
{
    /// <summary>Largest value of an octal field of <paramref name="fieldLength"/> bytes (one byte is the NUL).</summary>
    public static long MaxOctal(int fieldLength) => (1L << (3 * (fieldLength - 1))) - 1;

    public static bool FitsOctal(long value, int fieldLength) => value >= 0 && value <= MaxOctal(fieldLength);

    public static void WriteNumber(Span<byte> field, long value)
    {
        if (FitsOctal(value, field.Length))
        {
            var digits = field.Length - 1;
            for (var i = digits - 1; i >= 0; i--)
            {
                field[i] = (byte)('0' + (value & 7));
                value >>= 3;
            }

            field[digits] = 0;
            return;
        }

        // GNU base-256: sign-extend the value over the whole field, then mark the first byte.
        field.Fill(value < 0 ? (byte)0xFF : (byte)0);
        BinaryPrimitives.WriteInt64BigEndian(field[^sizeof(long)..], value);
        field[0] |= 0x80;
    }

    /// <summary>Writes the checksum: the unsigned sum of the record's bytes (this field already spaces) as six octal digits, NUL, space.</summary>
    public static void WriteChecksum(Span<byte> record, int location, int length)
    {
        var sum = Sum(record);
        var field = record.Slice(location, length);
        for (var i = 5; i >= 0; i--)
        {
            field[i] = (byte)('0' + (sum & 7));
            sum >>= 3;
        }

        field[6] = 0;
        field[7] = (byte)' ';
    }

    /// <summary>The unsigned sum of a record's bytes.</summary>
    internal static int Sum(ReadOnlySpan<byte> record)
    {
        var sum = 0;
        foreach (var b in record)
        {
            sum += b;
        }

        return sum;
    }
}
