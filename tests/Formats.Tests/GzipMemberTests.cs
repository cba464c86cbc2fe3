using System.IO.Compression;
using System.IO.Hashing;
using Formats.Zip;
using Formats.Zip.Sources;

namespace Formats.Tests;

/// <summary>A gzip file as a zip member: one member's deflate stream copied with the trailer's CRC-32, else recompressed.</summary>
public sealed class GzipMemberTests : IDisposable
{
    private static readonly byte[] Plain = SyntheticStream.Bytes(300_000, 11, compressible: true);
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-gzip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Gzip(byte[] plain)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    /// <summary>The same member with FEXTRA, FNAME, FCOMMENT and FHCRC in its header, built by hand (RFC 1952 2.3).</summary>
    private static byte[] WithFullHeader(byte[] gzip)
    {
        var header = new List<byte>(gzip[..10]) { [3] = 4 | 8 | 16 | 2 };
        header.AddRange([6, 0, (byte)'A', (byte)'B', 2, 0, 1, 2]); // XLEN 6: one subfield 'AB' of 2 bytes
        header.AddRange("name-in-gzip.txt\0"u8.ToArray());
        header.AddRange("a comment\0"u8.ToArray());
        var crc16 = (ushort)Crc32.HashToUInt32(header.ToArray());
        header.AddRange([(byte)crc16, (byte)(crc16 >> 8)]);
        return [.. header, .. gzip[10..]];
    }

    private string File(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<(byte[] Zip, InspectedEntry Entry)> ZipAsync(string gzipPath)
    {
        var zip = await ZipTestHelpers.WriteZipAsync(zip => zip.AddGzipEntryAsync(new ArchiveEntry("data.txt"), EntrySource.FromFile(gzipPath)).AsTask());
        return (zip, Assert.Single(ZipInspector.Inspect(zip).Entries));
    }

    [Fact]
    public async Task A_single_member_gzip_becomes_a_raw_deflate_member_with_the_trailers_crc_and_its_deflate_bytes_unchanged()
    {
        var gzip = Gzip(Plain);
        var (zip, entry) = await ZipAsync(File("data.txt.gz", gzip));
        Assert.Equal(8, entry.Central.CompressionMethod);
        Assert.Equal(0, entry.DescriptorLength);
        Assert.Equal(BitConverter.ToUInt32(gzip, gzip.Length - 8), entry.Central.Crc32);
        Assert.Equal(Plain.Length, entry.UncompressedSize);
        Assert.Equal(gzip[10..^8], zip.AsSpan((int)entry.DataOffset, (int)entry.CompressedSize).ToArray());
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);
    }

    [Fact]
    public async Task Header_fields_FEXTRA_FNAME_FCOMMENT_and_FHCRC_are_skipped_and_the_name_is_the_callers()
    {
        var gzip = WithFullHeader(Gzip(Plain));
        var (zip, entry) = await ZipAsync(File("full.gz", gzip));
        Assert.Equal("data.txt", entry.Name);
        Assert.Equal(Gzip(Plain)[10..^8], zip.AsSpan((int)entry.DataOffset, (int)entry.CompressedSize).ToArray());
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);
    }

    [Fact]
    public async Task A_wrong_header_crc16_or_reserved_flags_or_a_non_gzip_source_are_refused_naming_the_entry()
    {
        var badCrc = WithFullHeader(Gzip(Plain));
        badCrc[10 + 8 + 17 + 10] ^= 0xFF;
        var ex = await Assert.ThrowsAsync<ArchiveException>(() => ZipAsync(File("bad.gz", badCrc)));
        Assert.Equal("data.txt", ex.EntryName);
        Assert.Contains("CRC16", ex.Message, StringComparison.Ordinal);

        var reserved = Gzip(Plain);
        reserved[3] = 0x20;
        Assert.Contains("reserved", (await Assert.ThrowsAsync<ArchiveException>(() => ZipAsync(File("reserved.gz", reserved)))).Message, StringComparison.Ordinal);
        Assert.Contains("not gzip", (await Assert.ThrowsAsync<ArchiveException>(() => ZipAsync(File("plain.gz", Plain)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_member_gzip_is_decompressed_and_compressed_again_and_stays_correct()
    {
        var half = Plain.Length / 2;
        var gzip = (byte[])[.. Gzip(Plain[..half]), .. Gzip(Plain[half..])];
        var (zip, entry) = await ZipAsync(File("multi.gz", gzip));
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);
        Assert.Equal(Crc32.HashToUInt32(Plain), entry.Central.Crc32);

        // Recompressed, not raw: its plain length, proved by inflating every member, is declared.
        var item = await GzipMember.ToZipItemAsync(new ArchiveEntry("data.txt"), EntrySource.FromFile(Path.Combine(_dir, "multi.gz")));
        Assert.Null(item.Options);
        Assert.Equal(Plain.Length, item.Source!.Length);
    }

    [Fact]
    public async Task Two_identical_members_are_not_taken_for_one()
    {
        var one = Gzip(Plain[..1000]);
        var (zip, _) = await ZipAsync(File("twice.gz", [.. one, .. one]));
        Assert.Equal((byte[])[.. Plain[..1000], .. Plain[..1000]], ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);
    }

    [Fact]
    public async Task A_gzip_item_is_plannable_in_a_stored_archive_and_a_gzip_of_unknown_length_is_decompressed()
    {
        var path = File("plan.gz", Gzip(Plain));
        var item = await GzipMember.ToZipItemAsync(new ArchiveEntry("plan.txt") { LastModified = ZipTestHelpers.Time }, EntrySource.FromFile(path));
        var plan = new ZipArchivePlan([item], new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        var predicted = await plan.PredictRangeableLengthAsync();
        Assert.True(predicted.IsKnown, predicted.Reason);
        var output = new MemoryStream();
        await plan.WriteAsync(output);
        Assert.Equal(output.Length, predicted.Length);

        var streamed = await GzipMember.ToZipItemAsync(new ArchiveEntry("s.txt"), EntrySource.FromStream(new ForwardOnlyStream(Gzip(Plain))));
        Assert.Null(streamed.Options);
        var zip = await ZipTestHelpers.WriteZipAsync(z => z.AddEntryAsync(streamed.Entry, streamed.Source).AsTask());
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["s.txt"]);
    }

    [Fact]
    public async Task An_empty_first_member_before_another_is_not_taken_for_one_member()
    {
        // The inflater goes on through every member, so a whole-file inflate equals the last trailer here; only where the
        // first deflate stream ends tells.
        // What gzip writes for an empty file (GZipStream writes nothing at all): header, the empty final block, CRC 0, ISIZE 0.
        byte[] empty = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
        var (zip, entry) = await ZipAsync(File("empty-first.gz", [.. empty, .. Gzip(Plain)]));
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);
        Assert.Equal(Crc32.HashToUInt32(Plain), entry.Central.Crc32);
        Assert.Null((await GzipMember.ToZipItemAsync(new ArchiveEntry("data.txt"), EntrySource.FromFile(Path.Combine(_dir, "empty-first.gz")))).Options);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(4)]
    public async Task A_truncated_gzip_is_refused_before_anything_is_written(int keepOf10)
    {
        var gzip = Gzip(Plain);
        var path = File("cut.gz", gzip[..(gzip.Length * keepOf10 / 10)]);
        var output = new MemoryStream();
        await using var writer = new ZipArchiveWriter(output);
        var ex = await Assert.ThrowsAsync<ArchiveException>(() => writer.AddGzipEntryAsync(new ArchiveEntry("data.txt"), EntrySource.FromFile(path)).AsTask());
        Assert.Equal("data.txt", ex.EntryName);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task A_truncated_gzip_read_once_fails_the_archive_at_its_end()
    {
        var gzip = Gzip(Plain);
        var item = await GzipMember.ToZipItemAsync(new ArchiveEntry("s.txt"), EntrySource.FromStream(new ForwardOnlyStream(gzip[..(gzip.Length / 2)])));
        var output = new MemoryStream();
        await using var writer = new ZipArchiveWriter(output);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => writer.AddEntryAsync(item.Entry, item.Source).AsTask());
        Assert.Contains("truncated", ex.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => writer.CompleteAsync().AsTask());
        Assert.False(ZipTestHelpers.EndsWithEndOfCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task A_multi_member_gzip_read_once_fails_rather_than_pass_unchecked()
    {
        var half = Plain.Length / 2;
        var item = await GzipMember.ToZipItemAsync(new ArchiveEntry("s.txt"), EntrySource.FromStream(new ForwardOnlyStream([.. Gzip(Plain[..half]), .. Gzip(Plain[half..])])));
        await using var writer = new ZipArchiveWriter(new MemoryStream());
        await Assert.ThrowsAnyAsync<Exception>(() => writer.AddEntryAsync(item.Entry, item.Source).AsTask());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_seekable_stream_is_raw_when_left_open_and_decompressed_once_otherwise(bool leaveOpen)
    {
        var stream = new MemoryStream(Gzip(Plain));
        var zip = await ZipTestHelpers.WriteZipAsync(z => z.AddGzipEntryAsync(new ArchiveEntry("data.txt"), EntrySource.FromStream(stream, leaveOpen)).AsTask());
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);
        var item = await GzipMember.ToZipItemAsync(new ArchiveEntry("data.txt"), EntrySource.FromStream(new MemoryStream(Gzip(Plain)), leaveOpen));
        Assert.Equal(leaveOpen, item.Options is not null);
    }
}
