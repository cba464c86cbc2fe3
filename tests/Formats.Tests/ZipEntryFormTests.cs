using System.IO.Hashing;
using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>Which form each entry takes (format-rules.md, "Which form an entry takes"), checked on the bytes.</summary>
public sealed class ZipEntryFormTests
{
    private static readonly byte[] Content = SyntheticStream.Bytes(1000, seed: 3);

    private static ZipWriterOptions Stored(Zip64Mode zip64 = Zip64Mode.Auto) => new() { Method = ZipCompressionMethod.Stored, Zip64 = zip64 };

    [Fact]
    public async Task Stored_entry_with_known_length_and_crc_has_sizes_in_local_header_and_no_descriptor()
    {
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt") { Length = Content.Length, Crc32 = Crc32.HashToUInt32(Content), LastModified = Time }, EntrySource.FromBytes(Content)).AsTask(),
            Stored());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(0, e.Local.GeneralPurposeBitFlag & 8);
        Assert.Equal(0, e.DescriptorLength);
        Assert.Equal((uint)Content.Length, e.Local.CompressedSize);
        Assert.Equal(Crc32.HashToUInt32(Content), e.Local.Crc32);
        Assert.Equal(10, e.Local.VersionNeededToExtract);
        Assert.False(e.LocalExtras.ContainsKey(0x0001));
        Assert.Null(ZipInspector.Inspect(zip).Zip64End);
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Stored_entry_with_known_length_but_unknown_crc_gets_a_signed_16_byte_descriptor()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("a.txt") { Length = Content.Length }, EntrySource.FromBytes(Content)).AsTask(), Stored());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(8, e.Local.GeneralPurposeBitFlag & 8);
        Assert.Equal(16, e.DescriptorLength);
        Assert.Equal(0u, e.Local.CompressedSize);
        Assert.False(e.LocalExtras.ContainsKey(0x0001));
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Entry_of_unknown_length_gets_local_zip64_extra_and_24_byte_descriptor_but_no_central_zip64()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromStream(new SyntheticStream(Content.Length, seed: 3))).AsTask());
        var archive = ZipInspector.Inspect(zip);
        var e = Assert.Single(archive.Entries);
        Assert.Equal(8, e.Local.GeneralPurposeBitFlag & 8);
        Assert.Equal(0xFFFFFFFFu, e.Local.CompressedSize);
        Assert.Equal(0xFFFFFFFFu, e.Local.UncompressedSize);
        Assert.Equal(new byte[16], e.LocalExtras[0x0001]);
        Assert.Equal(24, e.DescriptorLength);
        Assert.Equal(45, e.Local.VersionNeededToExtract);
        Assert.False(e.CentralExtras.ContainsKey(0x0001));
        Assert.Null(archive.Zip64End);
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Deflate_entry_with_known_length_gets_16_byte_descriptor_and_version_20()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("a.txt") { Length = Content.Length, Crc32 = Crc32.HashToUInt32(Content) }, EntrySource.FromBytes(Content)).AsTask());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(8, e.Local.CompressionMethod);
        Assert.Equal(16, e.DescriptorLength);
        Assert.Equal(20, e.Local.VersionNeededToExtract);
        Assert.True(e.CompressedSize < Content.Length);
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Zstandard_entry_uses_method_93_and_version_63()
    {
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt") { Length = Content.Length }, EntrySource.FromBytes(Content)).AsTask(),
            new ZipWriterOptions { Method = ZipCompressionMethod.Zstandard });
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(93, e.Local.CompressionMethod);
        Assert.Equal(63, e.Local.VersionNeededToExtract);
        using var decoder = new ZstdSharp.Decompressor();
        Assert.Equal(Content, decoder.Unwrap(zip.AsSpan((int)e.DataOffset, (int)e.CompressedSize)).ToArray());
    }

    [Fact]
    public async Task Empty_file_directory_and_symlink_are_stored_without_descriptor()
    {
        var zip = await WriteZipAsync(async z =>
        {
            await z.AddEntryAsync(new ArchiveEntry("empty.txt"));
            await z.AddEntryAsync(ArchiveEntry.Directory("dir"));
            await z.AddEntryAsync(ArchiveEntry.SymbolicLink("dir/link", "../empty.txt"));
        });
        var entries = ZipInspector.Inspect(zip).Entries;
        Assert.Equal(["empty.txt", "dir/", "dir/link"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal(0, e.Local.CompressionMethod));
        Assert.All(entries, e => Assert.Equal(0, e.DescriptorLength));
        Assert.Equal(0x41ED0010u, entries[1].Central.ExternalFileAttributes);
        Assert.Equal(20, entries[1].Local.VersionNeededToExtract);
        Assert.Equal(0xA1FFu, entries[2].Central.ExternalFileAttributes >> 16);
        Assert.Equal("../empty.txt"u8.ToArray(), zip.AsSpan((int)entries[2].DataOffset, (int)entries[2].CompressedSize).ToArray());
        Assert.Equal(0x033F, entries[0].Central.VersionMadeBy);
        Assert.Equal(0x81A4u, entries[0].Central.ExternalFileAttributes >> 16);
    }

    [Fact]
    public async Task Non_ascii_name_sets_the_utf8_flag_in_both_headers_and_ascii_does_not()
    {
        var zip = await WriteZipAsync(async z =>
        {
            await z.AddEntryAsync(new ArchiveEntry("plain.txt"));
            await z.AddEntryAsync(new ArchiveEntry("dossier/résumé-日本.txt"));
        });
        var entries = ZipInspector.Inspect(zip).Entries;
        Assert.Equal(0, entries[0].Central.GeneralPurposeBitFlag & 0x800);
        Assert.Equal(0x800, entries[1].Central.GeneralPurposeBitFlag & 0x800);
        Assert.Equal(0x800, entries[1].Local.GeneralPurposeBitFlag & 0x800);
        Assert.Contains("dossier/résumé-日本.txt", ReadWithSystemIoCompression(zip).Keys);
    }

    [Fact]
    public async Task Every_header_carries_a_time_extra_with_dos_time_and_utc_seconds()
    {
        var time = new DateTimeOffset(2024, 5, 6, 7, 8, 11, TimeSpan.Zero);
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("a") { LastModified = time }).AsTask());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal((ushort)((44 << 9) | (5 << 5) | 6), e.Local.LastModFileDate);
        Assert.Equal((ushort)((7 << 11) | (8 << 5) | 5), e.Local.LastModFileTime);
        var ut = e.LocalExtras[0x5455];
        Assert.Equal(1, ut[0]);
        Assert.Equal(time.ToUnixTimeSeconds(), BitConverter.ToInt32(ut, 1));
        Assert.Equal(ut, e.CentralExtras[0x5455]);
    }

    [Theory]
    [InlineData(1969, 7, 20)]
    [InlineData(1900, 1, 1)]
    [InlineData(2200, 1, 1)]
    public async Task Time_outside_the_32_bit_range_goes_to_the_ntfs_extra_and_dos_time_is_clamped(int year, int month, int day)
    {
        var time = new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero);
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("a") { LastModified = time }).AsTask());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.False(e.LocalExtras.ContainsKey(0x5455));
        var ntfs = e.CentralExtras[0x000A];
        Assert.Equal(time.UtcDateTime.ToFileTimeUtc(), BitConverter.ToInt64(ntfs, 8));
        var expectedDate = year < 1980 ? (ushort)((0 << 9) | (1 << 5) | 1) : (ushort)((127 << 9) | (12 << 5) | 31);
        Assert.Equal(expectedDate, e.Central.LastModFileDate);
    }

    [Fact]
    public async Task Zip64_always_puts_zip64_in_every_header_and_writes_the_zip64_end_records()
    {
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt") { Length = Content.Length, Crc32 = Crc32.HashToUInt32(Content) }, EntrySource.FromBytes(Content)).AsTask(),
            Stored(Zip64Mode.Always));
        var archive = ZipInspector.Inspect(zip);
        var e = Assert.Single(archive.Entries);
        Assert.True(e.LocalExtras.ContainsKey(0x0001));
        Assert.Equal(24, e.CentralExtras[0x0001].Length);
        Assert.NotNull(archive.Zip64End);
        Assert.Equal(45, e.Central.VersionNeededToExtract);
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Zip64_never_uses_the_16_byte_descriptor_for_unknown_lengths()
    {
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromStream(new SyntheticStream(Content.Length, seed: 3))).AsTask(),
            new ZipWriterOptions { Zip64 = Zip64Mode.Never });
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(16, e.DescriptorLength);
        Assert.False(e.LocalExtras.ContainsKey(0x0001));
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Zip64_never_refuses_a_declared_length_of_0xFFFFFFFF_before_writing_it()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Zip64 = Zip64Mode.Never });
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddEntryAsync(new ArchiveEntry("big.bin") { Length = 0xFFFFFFFF }, EntrySource.FromStream(new SyntheticStream(0xFFFFFFFF))));
        Assert.Equal("big.bin", ex.EntryName);
        Assert.Contains("4294967294", ex.Message, StringComparison.Ordinal);
        Assert.Empty(output.ToArray());
    }

    [Fact]
    public void Central_zip64_extra_holds_only_the_saturated_fields_in_spec_order()
    {
        var time = ZipTimestamp.From(Time);
        var cases = new (long Compressed, long Uncompressed, long Offset, int ExpectedZip64Data)[]
        {
            (1, 2, 3, 0),
            (1, 0xFFFFFFFF, 3, 8),
            (0xFFFFFFFE, 0xFFFFFFFE, 0xFFFFFFFE, 0),
            (0x1_0000_0000, 0x1_0000_0000, 3, 16),
            (1, 2, 0x1_0000_0000, 8),
            (0x1_0000_0000, 0x2_0000_0000, 0x3_0000_0000, 24),
        };
        foreach (var c in cases)
        {
            var entry = new CentralDirectoryEntry("n"u8.ToArray(), c.Offset, c.Compressed, c.Uncompressed, time, 0, 0, 0, 0, 10);
            var bytes = new byte[entry.Length(alwaysZip64: false, UnixOwner.None)];
            Assert.Equal(bytes.Length, entry.Write(bytes, alwaysZip64: false, UnixOwner.None));
            var header = Formats.Zip.Records.CentralDirectoryHeader.Read(bytes);
            var extras = ZipInspector.ParseExtras(bytes.AsSpan(46 + 1, header.ExtraFieldLength));
            if (c.ExpectedZip64Data == 0)
            {
                Assert.False(extras.ContainsKey(1));
                Assert.Equal(10, header.VersionNeededToExtract);
                continue;
            }

            var data = extras[1];
            Assert.Equal(c.ExpectedZip64Data, data.Length);
            Assert.Equal(45, header.VersionNeededToExtract);
            var expected = new List<long>();
            if (c.Uncompressed >= 0xFFFFFFFF) { expected.Add(c.Uncompressed); Assert.Equal(0xFFFFFFFFu, header.UncompressedSize); }
            if (c.Compressed >= 0xFFFFFFFF) { expected.Add(c.Compressed); Assert.Equal(0xFFFFFFFFu, header.CompressedSize); }
            if (c.Offset >= 0xFFFFFFFF) { expected.Add(c.Offset); Assert.Equal(0xFFFFFFFFu, header.RelativeOffsetOfLocalHeader); }
            Assert.Equal(expected, Enumerable.Range(0, data.Length / 8).Select(i => BitConverter.ToInt64(data, i * 8)));
        }
    }

    [Fact]
    public async Task Entries_are_read_back_by_sharpcompress_with_content_and_names()
    {
        var zip = await WriteZipAsync(async z =>
        {
            await z.AddEntryAsync(new ArchiveEntry("x/a.txt"), EntrySource.FromBytes(Content));
            await using (var s = await z.OpenEntryAsync(new ArchiveEntry("pushed.bin")))
            {
                await s.WriteAsync(Content.AsMemory(0, 10));
                await s.WriteAsync(Content.AsMemory(10));
            }
        });
        using var archive = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new MemoryStream(zip));
        var read = archive.Entries.ToDictionary(e => e.Key!, e =>
        {
            using var s = e.OpenEntryStream();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        });
        Assert.Equal(Content, read["x/a.txt"]);
        Assert.Equal(Content, read["pushed.bin"]);
    }
}
