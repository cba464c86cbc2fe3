using System.IO.Compression;
using System.IO.Hashing;
using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>
/// Deflate in parallel chunks, small members compressed ahead, and the auto method: what they write is checked on the
/// bytes, against a plain single-stream deflate, and by reading it back.
/// </summary>
public sealed partial class ZipCompressionTests
{
    private const int MiB = 1024 * 1024;

    /// <summary>Log-like text: words from a small vocabulary in random order, which deflate shrinks to about a quarter.</summary>
    private static byte[] Text(int length, int seed)
    {
        string[] words = ["the", "archive", "stream", "entry", "2024-05-06", "ERROR", "INFO", "request", "bytes", "42", "user", "id=", "0x1F", "\n", ",", "zip"];
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var at = 0; at < length;)
        {
            var word = System.Text.Encoding.ASCII.GetBytes(words[random.Next(words.Length)] + " ");
            var n = Math.Min(word.Length, length - at);
            word.AsSpan(0, n).CopyTo(bytes.AsSpan(at));
            at += n;
        }

        return bytes;
    }

    private static byte[] Noise(int length, int seed) => SyntheticStream.Bytes(length, seed, compressible: false);

    private static byte[] SingleStreamDeflate(byte[] content, int level)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            deflate.Write(content);
        }

        return output.ToArray();
    }

    private static byte[] MemberData(byte[] zip, string name)
    {
        var e = ZipInspector.Inspect(zip).Entries.Single(x => x.Name == name);
        return zip.AsSpan((int)e.DataOffset, (int)e.Central.CompressedSize).ToArray();
    }

    /// <summary>Members on both sides of every chunk boundary, in every way content arrives, and many small ones.</summary>
    private static async Task<(byte[] Zip, Dictionary<string, byte[]> Contents)> MixedArchiveAsync(ZipCompressionMethod method, int threads)
    {
        var contents = new Dictionary<string, byte[]>
        {
            ["text-5MiB+1"] = Text((5 * MiB) + 1, 1),
            ["text-1MiB"] = Text(MiB, 2),
            ["text-1MiB+1"] = Text(MiB + 1, 3),
            ["text-2MiB"] = Text(2 * MiB, 4),
            ["noise-3MiB"] = Noise(3 * MiB, 5),
            ["noise-small.bin"] = Noise(10_000, 6),
            ["pushed-unknown-length"] = Text((2 * MiB) + 77, 7),
            ["pushed-known-length"] = Text(300_000, 8),
            ["photo.jpg"] = Text(200_000, 9),
        };
        for (var i = 0; i < 120; i++)
        {
            contents[$"small/{i}.txt"] = Text(1 + (i * 97), 100 + i);
        }

        var zip = await WriteZipAsync(
            async z =>
            {
                foreach (var (name, content) in contents)
                {
                    if (name.StartsWith("pushed", StringComparison.Ordinal))
                    {
                        var entry = new ArchiveEntry(name) { LastModified = Time, Length = name.EndsWith("known-length", StringComparison.Ordinal) ? content.Length : null };
                        await using var stream = await z.OpenEntryAsync(entry);
                        for (var at = 0; at < content.Length; at += 5000)
                        {
                            await stream.WriteAsync(content.AsMemory(at, Math.Min(5000, content.Length - at)));
                        }
                    }
                    else
                    {
                        await z.AddEntryAsync(new ArchiveEntry(name) { LastModified = Time }, EntrySource.FromBytes(content));
                    }
                }
            },
            new ZipWriterOptions { Method = method, MaxDegreeOfParallelism = threads });
        return (zip, contents);
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Deflate)]
    [InlineData(ZipCompressionMethod.Auto)]
    public async Task Parallel_deflate_writes_the_same_bytes_as_one_thread_and_every_reader_gets_the_content(ZipCompressionMethod method)
    {
        var (one, contents) = await MixedArchiveAsync(method, threads: 1);
        var (two, _) = await MixedArchiveAsync(method, threads: 2);
        var (four, _) = await MixedArchiveAsync(method, threads: 4);
        Assert.Equal(one, two);
        Assert.Equal(one, four);

        // Entries come out in the order they were added, whatever finished compressing first.
        Assert.Equal(contents.Keys, ZipInspector.Inspect(four).Entries.Select(e => e.Name));
        var read = ReadWithSystemIoCompression(four);
        foreach (var (name, content) in contents)
        {
            Assert.Equal(content, read[name]);
        }

        using var sharp = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new MemoryStream(four));
        foreach (var entry in sharp.Entries)
        {
            using var s = entry.OpenEntryStream();
            var ms = new MemoryStream();
            await s.CopyToAsync(ms);
            Assert.Equal(contents[entry.Key!], ms.ToArray());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(9)]
    public async Task Member_cut_into_parallel_chunks_is_within_one_percent_of_a_single_deflate_stream(int level)
    {
        var content = Text(8 * MiB, 11);
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("log.txt"), EntrySource.FromBytes(content)).AsTask(),
            new ZipWriterOptions { CompressionLevel = level, MaxDegreeOfParallelism = 4 });
        var chunked = MemberData(zip, "log.txt").Length;
        var single = SingleStreamDeflate(content, level).Length;
        Assert.InRange(chunked, single * 0.99, single * 1.01);
        Assert.Equal(content, ReadWithSystemIoCompression(zip)["log.txt"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(MiB)]
    public async Task Member_of_at_most_one_chunk_is_exactly_a_single_deflate_stream(int length)
    {
        var content = Text(length, 12);
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt") { Length = length }, EntrySource.FromBytes(content)).AsTask(),
            new ZipWriterOptions { CompressionLevel = 6, MaxDegreeOfParallelism = 2 });
        Assert.Equal(SingleStreamDeflate(content, 6), MemberData(zip, "a.txt"));
    }

    [Fact]
    public async Task Member_of_a_whole_number_of_chunks_ends_with_its_last_chunk_not_an_empty_one()
    {
        var content = Text(3 * MiB, 13);
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromStream(new MemoryStream(content))).AsTask(),
            new ZipWriterOptions { MaxDegreeOfParallelism = 2 });
        var data = MemberData(zip, "a.txt");

        // The first chunks end with a sync flush's empty stored block; the last one does not, it ends the stream.
        Assert.Equal(2, CountOf(data, [0x00, 0x00, 0xFF, 0xFF]));
        Assert.Equal(content, ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    private static int CountOf(byte[] data, byte[] pattern)
    {
        var count = 0;
        for (var at = data.AsSpan().IndexOf(pattern); at >= 0;)
        {
            count++;
            var next = data.AsSpan(at + 1).IndexOf(pattern);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return count;
    }

    [Fact]
    public async Task Member_failing_after_small_members_compressed_ahead_aborts_the_archive_without_end_records()
    {
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output, new ZipWriterOptions { MaxDegreeOfParallelism = 4 });
        for (var i = 0; i < 40; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"ok/{i}.txt"), EntrySource.FromBytes(Text(2000, i)));
        }

        var failure = await Assert.ThrowsAsync<ArchiveException>(() =>
            zip.AddEntryAsync(new ArchiveEntry("broken.txt"), EntrySource.FromStream(new SyntheticStream(5 * MiB, failAfter: 3 * MiB))).AsTask());
        Assert.Equal("broken.txt", failure.EntryName);
        await zip.DisposeAsync();

        var bytes = output.ToArray();
        Assert.False(ContainsCentralDirectory(bytes));
    }

    [Fact]
    public async Task Wrong_declared_crc_of_a_member_compressed_ahead_fails_the_call_that_added_it()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { MaxDegreeOfParallelism = 4 });
        var content = Text(5000, 1);
        await zip.AddEntryAsync(new ArchiveEntry("right.txt") { Crc32 = Crc32.HashToUInt32(content) }, EntrySource.FromBytes(content));
        var failure = await Assert.ThrowsAsync<ArchiveException>(() =>
            zip.AddEntryAsync(new ArchiveEntry("wrong.txt") { Crc32 = 1 }, EntrySource.FromBytes(content)).AsTask());
        Assert.Equal("wrong.txt", failure.EntryName);
        Assert.Contains("declared CRC-32 is 0x00000001", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parallelism_below_one_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ZipWriterOptions { MaxDegreeOfParallelism = 0 });
        Assert.Equal("MaxDegreeOfParallelism", error.ParamName);
    }

    [Fact]
    public async Task Stored_member_gets_the_right_crc_when_it_is_computed_beside_the_write()
    {
        var content = Noise((5 * MiB) + 3, 9);
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("big.bin"), EntrySource.FromBytes(content)).AsTask(),
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, MaxDegreeOfParallelism = 2 });
        Assert.Equal(Crc32.HashToUInt32(content), ZipInspector.Inspect(zip).Entries.Single().Central.Crc32);
        Assert.Equal(content, ReadWithSystemIoCompression(zip)["big.bin"]);
    }
}
