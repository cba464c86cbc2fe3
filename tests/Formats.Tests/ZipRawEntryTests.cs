using System.IO.Compression;
using System.IO.Hashing;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Members whose content is compressed already (Go's CreateRaw): copied as they are, sizes and CRC-32 up front.</summary>
public sealed class ZipRawEntryTests
{
    private static readonly byte[] Plain = SyntheticStream.Bytes(200_000, 3, compressible: true);

    private static byte[] Deflate(byte[] plain)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(plain);
        }

        return output.ToArray();
    }

    private static byte[] Zstd(byte[] plain)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(plain).ToArray();
    }

    [Fact]
    public async Task Raw_deflate_zstd_and_stored_members_are_copied_with_sizes_in_the_local_header_and_extract_to_the_plain_bytes()
    {
        var crc = Crc32.HashToUInt32(Plain);
        var deflated = Deflate(Plain);
        var zstd = Zstd(Plain);
        byte[] emptyDeflate = [0x03, 0x00]; // what zlib writes for no input (DeflateStream writes nothing at all)
        var zip = await ZipTestHelpers.WriteZipAsync(async zip =>
        {
            await zip.AddRawEntryAsync(new ArchiveEntry("d.txt"), new ZipRawContent(ZipCompressionMethod.Deflate, crc, deflated.Length, Plain.Length), EntrySource.FromBytes(deflated));
            await zip.AddRawEntryAsync(new ArchiveEntry("z.txt"), new ZipRawContent(ZipCompressionMethod.Zstandard, crc, zstd.Length, Plain.Length), EntrySource.FromBytes(zstd));
            await zip.AddRawEntryAsync(new ArchiveEntry("s.txt") { Length = Plain.Length }, new ZipRawContent(ZipCompressionMethod.Stored, crc, Plain.Length, Plain.Length), EntrySource.FromBytes(Plain));
            await zip.AddRawEntryAsync(new ArchiveEntry("empty.txt"), new ZipRawContent(ZipCompressionMethod.Deflate, 0, emptyDeflate.Length, 0), EntrySource.FromBytes(emptyDeflate));
        });

        var entries = ZipInspector.Inspect(zip).Entries.ToDictionary(e => e.Name);
        foreach (var entry in entries.Values)
        {
            Assert.Equal(0, entry.Local.GeneralPurposeBitFlag & 8);
            Assert.Equal(0, entry.DescriptorLength);
            Assert.Equal(entry.Central.CompressedSize, entry.Local.CompressedSize);
            Assert.Equal(entry.Central.UncompressedSize, entry.Local.UncompressedSize);
            Assert.Equal(entry.Central.Crc32, entry.Local.Crc32);
        }

        Assert.Equal(deflated, zip.AsSpan((int)entries["d.txt"].DataOffset, deflated.Length).ToArray());
        Assert.Equal(93, entries["z.txt"].Central.CompressionMethod);
        Assert.Equal(8, entries["empty.txt"].Central.CompressionMethod);
        using var decompressor = new ZstdSharp.Decompressor();
        Assert.Equal(Plain, decompressor.Unwrap(zip.AsSpan((int)entries["z.txt"].DataOffset, zstd.Length)).ToArray());

        var read = ZipTestHelpers.ReadWithSystemIoCompression(StripByRewrite(zip, "z.txt"));
        Assert.Equal(Plain, read["d.txt"]);
        Assert.Equal(Plain, read["s.txt"]);
        Assert.Empty(read["empty.txt"]);
    }

    /// <summary>The same archive without the zstd member, which System.IO.Compression cannot read: its other members copied raw.</summary>
    private static byte[] StripByRewrite(byte[] zip, string name) =>
        ZipTestHelpers.WriteZipAsync(async w =>
        {
            foreach (var entry in ZipInspector.Inspect(zip).Entries.Where(e => e.Name != name))
            {
                var data = zip.AsSpan((int)entry.DataOffset, (int)entry.CompressedSize).ToArray();
                var method = entry.Central.CompressionMethod == 8 ? ZipCompressionMethod.Deflate : ZipCompressionMethod.Stored;
                await w.AddRawEntryAsync(new ArchiveEntry(entry.Name), new ZipRawContent(method, entry.Central.Crc32, data.Length, entry.UncompressedSize), EntrySource.FromBytes(data));
            }
        }).GetAwaiter().GetResult();

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task Raw_content_of_another_compressed_length_than_declared_fails_the_archive(int delta)
    {
        var deflated = Deflate(Plain);
        var delivered = delta < 0 ? deflated[..^1] : [.. deflated, 0];
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output);
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddRawEntryAsync(new ArchiveEntry("d.txt"), new ZipRawContent(ZipCompressionMethod.Deflate, Crc32.HashToUInt32(Plain), deflated.Length, Plain.Length), EntrySource.FromBytes(delivered)));
        Assert.Equal("d.txt", ex.EntryName);
        Assert.Contains(deflated.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(async () => await zip.CompleteAsync());
        await zip.DisposeAsync();
        Assert.False(ZipTestHelpers.ContainsCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task Declarations_that_disagree_are_refused_before_anything_is_written()
    {
        await using var zip = new ZipArchiveWriter(Stream.Null);
        var raw = new ZipRawContent(ZipCompressionMethod.Deflate, 1, 10, 20);
        await Assert.ThrowsAsync<ArgumentException>(async () => await zip.AddRawEntryAsync(new ArchiveEntry("a") { Length = 21 }, raw, EntrySource.FromBytes(new byte[10])));
        Assert.Throws<ArgumentException>(() => new ZipRawContent(ZipCompressionMethod.Stored, 1, 10, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipRawContent(ZipCompressionMethod.Auto, 1, 10, 20));

        // No deflate stream or zstd frame is that short, even for empty content: readers would fail the member.
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipRawContent(ZipCompressionMethod.Deflate, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipRawContent(ZipCompressionMethod.Deflate, 0, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipRawContent(ZipCompressionMethod.Zstandard, 0, 8, 0));
        Assert.Equal(2, new ZipRawContent(ZipCompressionMethod.Deflate, 0, 2, 0).CompressedLength);
    }

    [Fact]
    public async Task A_stored_plan_of_raw_deflate_members_is_sized_and_ranged_exactly()
    {
        var items = Enumerable.Range(0, 4).Select(i =>
        {
            var plain = SyntheticStream.Bytes(50_000 + (i * 1000), i, compressible: true);
            var deflated = Deflate(plain);
            return new ArchiveItem(new ArchiveEntry($"m{i}.txt") { LastModified = ZipTestHelpers.Time, Comment = i == 1 ? "raw" : null }, EntrySource.FromBytes(deflated))
            {
                Options = new ZipEntryOptions { Raw = new ZipRawContent(ZipCompressionMethod.Deflate, Crc32.HashToUInt32(plain), deflated.Length, plain.Length) },
            };
        }).ToList();
        var plan = new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        var predicted = await plan.PredictRangeableLengthAsync();
        Assert.True(predicted.IsKnown, predicted.Reason);
        var full = new MemoryStream();
        await plan.WriteAsync(full);
        Assert.Equal(full.Length, predicted.Length);
        var joined = new MemoryStream();
        foreach (var (start, end) in new[] { (0L, 1000L), (1000L, full.Length / 2), (full.Length / 2, full.Length) })
        {
            await plan.WriteRangeAsync(joined, start, end);
        }

        Assert.Equal(full.ToArray(), joined.ToArray());
        Assert.Equal(4, ZipTestHelpers.ReadWithSystemIoCompression(full.ToArray()).Count);
    }
}
