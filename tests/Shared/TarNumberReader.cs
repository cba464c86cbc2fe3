using System.Buffers.Binary;
using Formats.Tar.Records;

namespace Formats.Testing;

/// <summary>Reads tar numbers (octal, or GNU base-256) and checks header checksums: what the generated readers use in tests.</summary>
internal static class TarNumberReader
{
    public static long ReadNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            // Base-256: the low 8 bytes hold the value; the rest is sign extension.
            var negative = (field[0] & 0x40) != 0;
            Span<byte> last = stackalloc byte[sizeof(long)];
            field[^sizeof(long)..].CopyTo(last);
            if (field.Length == sizeof(long))
            {
                last[0] = negative ? (byte)(last[0] | 0x80) : (byte)(last[0] & 0x7F);
            }

            return BinaryPrimitives.ReadInt64BigEndian(last);
        }

        long result = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' && result == 0)
            {
                continue;
            }

            if (b is < (byte)'0' or > (byte)'7')
            {
                break;
            }

            result = (result << 3) | (long)(b - '0');
        }

        return result;
    }

    /// <summary>A field that may be left empty (all NUL): null then.</summary>
    public static long? ReadOptionalNumber(ReadOnlySpan<byte> field) => field.IndexOfAnyExcept((byte)0) < 0 ? null : ReadNumber(field);

    public static void VerifyChecksum(ReadOnlySpan<byte> record, int location, int length)
    {
        Span<byte> copy = stackalloc byte[record.Length];
        record.CopyTo(copy);
        copy.Slice(location, length).Fill((byte)' ');
        var expected = TarNumber.Sum(copy);
        var actual = ReadNumber(record.Slice(location, length));
        if (expected != actual)
        {
            throw new InvalidDataException($"ustar checksum is {actual}, but the header sums to {expected}");
        }
    }
}
