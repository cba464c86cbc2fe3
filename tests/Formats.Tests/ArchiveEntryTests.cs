namespace Formats.Tests;

/// <summary>
/// An entry keeps its optional fields in their smallest form (a manifest of 100,000 members holds 100,000 entries):
/// each reads back exactly what was given, a zero apart from a null, a time with its offset.
/// </summary>
public sealed class ArchiveEntryTests
{
    [Fact]
    public void An_entry_with_no_optional_field_reads_back_nulls_and_empties()
    {
        var entry = new ArchiveEntry("a.txt");
        Assert.Null(entry.Length);
        Assert.Null(entry.Crc32);
        Assert.Null(entry.LastModified);
        Assert.Null(entry.Mode);
        Assert.True(entry.LegacyName.IsEmpty);
        Assert.False(entry.LegacyNameOnly);
        Assert.Null(entry.LinkTarget);
        Assert.Null(entry.Comment);
    }

    [Theory]
    [InlineData(0L, 0u, 0)]
    [InlineData(1L, 1u, 1)]
    [InlineData(long.MaxValue, uint.MaxValue, 0xFFF)]
    public void Zeros_and_extremes_read_back_as_given_not_as_missing(long length, uint crc, int mode)
    {
        var entry = new ArchiveEntry("a.bin") { Length = length, Crc32 = crc, Mode = (UnixFileMode)mode };
        Assert.Equal(length, entry.Length);
        Assert.Equal(crc, entry.Crc32);
        Assert.Equal((UnixFileMode)mode, entry.Mode);
    }

    [Theory]
    [InlineData("2024-02-29T23:59:59.9999999+05:45")]
    [InlineData("1980-01-01T00:00:00+00:00")]
    [InlineData("0001-01-01T00:00:00-14:00")]
    [InlineData("9999-12-31T23:59:59.9999999+14:00")]
    [InlineData("2038-01-19T03:14:08-08:00")]
    public void A_time_reads_back_with_its_instant_and_its_offset(string text)
    {
        var time = DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var entry = new ArchiveEntry("a.bin") { LastModified = time };
        Assert.Equal(time.UtcTicks, entry.LastModified!.Value.UtcTicks);
        Assert.Equal(time.Offset, entry.LastModified!.Value.Offset);
        Assert.Equal(time.DateTime, entry.LastModified!.Value.DateTime);
    }

    [Fact]
    public void A_field_set_and_then_cleared_in_one_initializer_reads_back_null()
    {
        var entry = new ArchiveEntry("a.bin") { Crc32 = 7, LastModified = DateTimeOffset.UnixEpoch, Mode = UnixFileMode.UserRead };
        var cleared = new ArchiveEntry("a.bin") { Crc32 = 7, LastModified = DateTimeOffset.UnixEpoch, Mode = UnixFileMode.UserRead, Length = 3 };
        cleared = new ArchiveEntry(cleared.Name) { Crc32 = cleared.Crc32, Length = null, LastModified = null, Mode = null };
        Assert.Equal(7u, entry.Crc32);
        Assert.Equal(7u, cleared.Crc32);
        Assert.Null(cleared.Length);
        Assert.Null(cleared.LastModified);
        Assert.Null(cleared.Mode);
    }

    [Fact]
    public void A_legacy_name_is_kept_beside_the_other_rare_fields_and_only_with_its_flag_when_asked()
    {
        var entry = new ArchiveEntry("Фото.txt") { LegacyName = new byte[] { 0x94, 0xAE, 0xE2, 0xAE }, LegacyNameOnly = true, Comment = "c" };
        Assert.Equal(new byte[] { 0x94, 0xAE, 0xE2, 0xAE }, entry.LegacyName.ToArray());
        Assert.True(entry.LegacyNameOnly);
        Assert.Equal("c", entry.Comment);

        var plain = new ArchiveEntry("b.txt") { LegacyName = ReadOnlyMemory<byte>.Empty, LegacyNameOnly = false };
        Assert.True(plain.LegacyName.IsEmpty);
        Assert.False(plain.LegacyNameOnly);
    }

    [Fact]
    public void A_negative_length_or_a_mode_beyond_the_permission_bits_is_refused_naming_the_field()
    {
        Assert.Equal("Length", Assert.Throws<ArgumentOutOfRangeException>(() => new ArchiveEntry("a") { Length = -1 }).ParamName);
        Assert.Equal("Mode", Assert.Throws<ArgumentOutOfRangeException>(() => new ArchiveEntry("a") { Mode = (UnixFileMode)0x1000 }).ParamName);
    }
}
