using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>
/// ArchiveEntry.LegacyName (mod_zip's X-Archive-Name-Sep): the legacy bytes as the name field without the UTF-8 flag,
/// the UTF-8 name in the Info-ZIP Unicode Path extra field (APPNOTE 4.6.9) in both headers, its length right.
/// </summary>
public sealed class ZipLegacyNameTests
{
    private const ushort UnicodePathTag = 0x7075;
    private const ushort Utf8Flag = 1 << 11;

    private static readonly Encoding Cp866 = CodePagesEncodingProvider.Instance.GetEncoding(866)!;

    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 10, TimeSpan.Zero);

    private static ArchiveEntry Entry(string name, byte[] legacy, EntryKind kind = EntryKind.File) =>
        new(name, kind) { LegacyName = legacy, LastModified = Time };

    private static Task<byte[]> WriteAsync(params ArchiveEntry[] entries) =>
        ZipTestHelpers.WriteZipAsync(async zip =>
        {
            foreach (var entry in entries)
            {
                await zip.AddEntryAsync(entry, entry.Kind == EntryKind.File ? EntrySource.FromBytes("data"u8.ToArray()) : null);
            }
        });

    /// <summary>The extra's data after its 4-byte header: version 1, the name field's CRC-32, the UTF-8 name.</summary>
    private static void AssertUnicodePath(byte[] data, byte[] nameField, string utf8Name)
    {
        Assert.Equal(1, data[0]);
        Assert.Equal(Crc32.HashToUInt32(nameField), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(1)));
        Assert.Equal(utf8Name, Encoding.UTF8.GetString(data.AsSpan(5)));
    }

    [Fact]
    public async Task Legacy_name_is_the_name_field_without_the_utf8_flag_and_the_utf8_name_is_a_unicode_path_extra_in_both_headers()
    {
        var legacy = Cp866.GetBytes("Фото.txt");
        var zip = await WriteAsync(Entry("Фото.txt", legacy), Entry("Папка", Cp866.GetBytes("Папка"), EntryKind.Directory));
        var inspected = ZipInspector.Inspect(zip); // walks every extra by its declared size: a wrong TSize fails here
        var file = inspected.Entries[0];
        Assert.Equal(legacy, zip.AsSpan((int)file.LocalHeaderOffset + 30, file.Local.FileNameLength).ToArray());
        Assert.Equal(0, file.Local.GeneralPurposeBitFlag & Utf8Flag);
        Assert.Equal(0, file.Central.GeneralPurposeBitFlag & Utf8Flag);
        AssertUnicodePath(file.LocalExtras[UnicodePathTag], legacy, "Фото.txt");
        AssertUnicodePath(file.CentralExtras[UnicodePathTag], legacy, "Фото.txt");
        Assert.Equal(5 + Encoding.UTF8.GetByteCount("Фото.txt"), file.LocalExtras[UnicodePathTag].Length);

        var folder = inspected.Entries[1];
        byte[] folderField = [.. Cp866.GetBytes("Папка"), (byte)'/'];
        AssertUnicodePath(folder.CentralExtras[UnicodePathTag], folderField, "Папка/");
        Assert.Equal(folderField.Length, folder.Central.FileNameLength);
    }

    [Fact]
    public async Task Legacy_name_only_writes_the_bytes_unmarked_without_the_extra()
    {
        var zip = await WriteAsync(new ArchiveEntry("Foto.txt") { LegacyName = "Foto.txt"u8.ToArray(), LegacyNameOnly = true });
        var file = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.False(file.LocalExtras.ContainsKey(UnicodePathTag));
        Assert.False(file.CentralExtras.ContainsKey(UnicodePathTag));
        Assert.Equal(0, file.Central.GeneralPurposeBitFlag & Utf8Flag);
    }

    [Fact]
    public async Task Planned_length_and_ranges_include_the_extra()
    {
        var plan = new ZipArchivePlan([new ArchiveItem(new ArchiveEntry("Фото.txt") { LegacyName = Cp866.GetBytes("Фото.txt"), LastModified = Time, Length = 4, Crc32 = Crc32.HashToUInt32("data"u8) }, EntrySource.FromBytes("data"u8.ToArray()))], new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        var predicted = await plan.PredictLengthAsync();
        var output = new AsyncOnlyStream();
        await plan.WriteAsync(output);
        var whole = output.ToArray();
        Assert.True(predicted.Length == whole.LongLength, predicted.Reason ?? $"{predicted.Length} != {whole.Length}");
        var range = new AsyncOnlyStream();
        await plan.WriteRangeAsync(range, 40, whole.Length - 10);
        Assert.Equal(whole[40..^10], range.ToArray());
    }

    [Fact]
    public void The_etag_changes_with_the_legacy_name_and_its_extra()
    {
        static string ETag(ArchiveEntry entry) =>
            new ZipArchivePlan([new ArchiveItem(entry, EntrySource.FromBytes("data"u8.ToArray()))], ZipWriterOptions.Default).ETag;

        var plain = ETag(new ArchiveEntry("Фото.txt") { Length = 4 });
        var legacy = ETag(new ArchiveEntry("Фото.txt") { Length = 4, LegacyName = Cp866.GetBytes("Фото.txt") });
        var other = ETag(new ArchiveEntry("Фото.txt") { Length = 4, LegacyName = "Foto.txt"u8.ToArray() });
        var only = ETag(new ArchiveEntry("Фото.txt") { Length = 4, LegacyName = "Foto.txt"u8.ToArray(), LegacyNameOnly = true });
        Assert.Equal(4, new[] { plain, legacy, other, only }.Distinct().Count());
    }

    [Theory]
    [InlineData("../evil.txt", EntryNameRule.DotDotSegment)]
    [InlineData("a\\..\\..\\evil.txt", EntryNameRule.DotDotSegment)]
    [InlineData("/etc/passwd", EntryNameRule.Absolute)]
    [InlineData("\\evil.txt", EntryNameRule.Absolute)]
    [InlineData("C:evil.txt", EntryNameRule.DriveLetter)]
    [InlineData("a\u0001b", EntryNameRule.ControlCharacter)]
    [InlineData("a//b", EntryNameRule.EmptySegment)]
    public async Task A_legacy_name_that_would_escape_is_refused_like_a_name(string legacy, EntryNameRule rule)
    {
        var error = await Assert.ThrowsAsync<InvalidEntryNameException>(() => WriteAsync(Entry("safe.txt", Encoding.Latin1.GetBytes(legacy))));
        Assert.Equal(rule, error.Rule);
        Assert.Equal("safe.txt", error.EntryName);
        Assert.Contains("legacy name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_above_ascii_are_name_characters_even_where_latin1_calls_them_control_characters()
    {
        // CP866 puts 'А'..'Я' at 0x80..0x9F, C1 controls in Latin-1.
        var legacy = Cp866.GetBytes("АБВ.txt");
        Assert.Contains(legacy, b => b is >= 0x80 and <= 0x9F);
        var zip = await WriteAsync(Entry("АБВ.txt", legacy));
        Assert.Single(ZipInspector.Inspect(zip).Entries);
    }

    [Fact]
    public async Task A_comment_that_is_not_ascii_is_refused_beside_a_legacy_name()
    {
        var error = await Assert.ThrowsAsync<ArchiveException>(() => WriteAsync(new ArchiveEntry("a.txt") { LegacyName = "a.txt"u8.ToArray(), Comment = "é" }));
        Assert.Contains("comment must be ASCII", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tar_writes_the_unicode_name_and_ignores_the_legacy_one()
    {
        var output = new MemoryStream();
        await using (var tar = new TarArchiveWriter(output))
        {
            await tar.AddEntryAsync(Entry("Фото.txt", Cp866.GetBytes("Фото.txt")), EntrySource.FromBytes("data"u8.ToArray()));
            await tar.CompleteAsync();
        }

        output.Position = 0;
        using var reader = new System.Formats.Tar.TarReader(output);
        Assert.Equal("Фото.txt", reader.GetNextEntry()!.Name);
    }
}
