using System.Text;
using Formats.Tar;
using Formats.Tar.Records;

namespace Formats.Tests;

/// <summary>
/// The generated ustar record, its numbers and the pax record lengths. The golden header was made independently with
/// Python's tarfile: <c>TarInfo("dir/file.txt")</c> with mode 0o644, uid/gid 1000, size 1234, mtime 1700000000, uname
/// "user", gname "group", then <c>tobuf(format=tarfile.USTAR_FORMAT).hex()</c>.
/// </summary>
public sealed class TarRecordTests
{
    private const string GoldenHeaderStart = "6469722F66696C652E747874";
    private const string GoldenNumbers = "303030303634340030303031373530003030303137353000303030303030303233323200313435323437373034303000303132323532002030";

    [Fact]
    public void Ustar_header_matches_python_tarfile_byte_for_byte()
    {
        var header = new UstarHeader
        {
            Name = "dir/file.txt"u8.ToArray(), Mode = 0b110_100_100, Uid = 1000, Gid = 1000, Size = 1234, Mtime = 1_700_000_000,
            TypeFlag = (byte)'0', Uname = "user"u8.ToArray(), Gname = "group"u8.ToArray(),
        };
        var bytes = new byte[512];
        header.Write(bytes);
        var expected = new byte[512];
        Convert.FromHexString(GoldenHeaderStart).CopyTo(expected, 0);
        Convert.FromHexString(GoldenNumbers).CopyTo(expected, 100);
        "ustar\000user"u8.ToArray().CopyTo(expected, 257);
        "group"u8.ToArray().CopyTo(expected, 297);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));

        var read = UstarHeader.Read(bytes);
        Assert.Equal("dir/file.txt", Encoding.ASCII.GetString(read.Name.Span));
        Assert.Equal(1234, read.Size);
        Assert.Equal(1_700_000_000, read.Mtime);
    }

    [Fact]
    public void Reader_refuses_a_header_with_a_wrong_checksum()
    {
        var bytes = new byte[512];
        new UstarHeader { Name = "a"u8.ToArray(), TypeFlag = (byte)'0' }.Write(bytes);
        bytes[0] = (byte)'b';
        Assert.Throws<InvalidDataException>(() => UstarHeader.Read(bytes));
    }

    [Theory]
    [InlineData(12, 8589934591L, "77777777777\0")]
    [InlineData(12, 0L, "00000000000\0")]
    [InlineData(8, 2097151L, "7777777\0")]
    public void Numbers_that_fit_are_zero_padded_octal_ending_in_nul(int length, long value, string expected)
    {
        var field = new byte[length];
        TarNumber.WriteNumber(field, value);
        Assert.Equal(expected, Encoding.ASCII.GetString(field));
        Assert.Equal(value, TarNumberReader.ReadNumber(field));
    }

    [Theory]
    [InlineData(12, 8589934592L, "800000000000000200000000")]
    [InlineData(12, (8L << 30) + 1, "800000000000000200000001")]
    [InlineData(8, 2097152L, "8000000000200000")]
    [InlineData(12, -1L, "FFFFFFFFFFFFFFFFFFFFFFFF")]
    [InlineData(12, -86400L, "FFFFFFFFFFFFFFFFFFFEAE80")]
    public void Numbers_that_do_not_fit_are_gnu_base_256(int length, long value, string expectedHex)
    {
        var field = new byte[length];
        TarNumber.WriteNumber(field, value);
        Assert.Equal(expectedHex, Convert.ToHexString(field));
        Assert.Equal(value, TarNumberReader.ReadNumber(field));
    }

    [Theory]
    [InlineData("path", 1)]
    [InlineData("path", 2)]
    [InlineData("path", 91)]
    [InlineData("path", 92)]
    [InlineData("path", 993)]
    [InlineData("path", 994)]
    [InlineData("path", 995)]
    public void Pax_record_length_counts_its_own_digits(string key, int valueLength)
    {
        var pax = new PaxExtendedHeader();
        pax.Add(key, new string('v', valueLength));
        var record = Encoding.ASCII.GetString(pax.ToBytes());
        var space = record.IndexOf(' ', StringComparison.Ordinal);
        Assert.Equal(record.Length, int.Parse(record[..space], System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("\n", record, StringComparison.Ordinal);
        Assert.Equal($" {key}={new string('v', valueLength)}\n", record[space..]);
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(15_000_000L, "1.5")]
    [InlineData(-15_000_000L, "-1.5")]
    [InlineData(-5_000_000L, "-0.5")]
    [InlineData(12_345_678_901L, "1234.5678901")]
    public void Pax_time_is_decimal_seconds_with_a_fraction_only_when_there_is_one(long ticksSinceEpoch, string expected)
    {
        Assert.Equal(expected, PaxExtendedHeader.FormatTime(DateTimeOffset.UnixEpoch.AddTicks(ticksSinceEpoch)));
    }
}
