using System.IO.Hashing;
using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Exact lengths before the first byte, byte ranges, and the validator (issue: Content-Length and Range).</summary>
public sealed partial class ArchivePlanTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private static readonly ZipWriterOptions Stored = new() { Method = ZipCompressionMethod.Stored };

    /// <summary>Sources of distinct incompressible bytes that record where they were opened.</summary>
    private sealed class OpenLog
    {
        public List<(string Name, long Offset)> Opens { get; } = [];

        public EntrySource Source(string name, long length, int seed = 0) => EntrySource.FromDelegate((offset, _) =>
        {
            Opens.Add((name, offset));
            var stream = new SyntheticStream(length, seed, compressible: false);
            var skip = new byte[offset];
            stream.ReadExactly(skip);
            return ValueTask.FromResult<Stream>(stream);
        }, length);
    }

    private static List<ArchiveItem> Items(OpenLog log, bool crcs, params (string Name, long Length)[] files) =>
        [.. files.Select((f, i) => new ArchiveItem(
            new ArchiveEntry(f.Name) { Length = f.Length, LastModified = Time, Crc32 = crcs ? Crc32.HashToUInt32(SyntheticStream.Bytes(f.Length, i, compressible: false)) : null },
            log.Source(f.Name, f.Length, i)))];

    private static async Task<byte[]> Full(ArchivePlan plan)
    {
        var output = new AsyncOnlyStream();
        await plan.WriteAsync(output);
        return output.ToArray();
    }

    private static async Task<byte[]> Range(ArchivePlan plan, long start, long end)
    {
        var output = new AsyncOnlyStream();
        await plan.WriteRangeAsync(output, start, end);
        return output.ToArray();
    }

    public static TheoryData<string> Plans => ["zip-crc", "zip-nocrc", "zip-always", "zip-comments", "tar"];

    private static ArchivePlan Make(string kind, OpenLog log)
    {
        var files = new[] { ("a.txt", 0L), ("b/long-" + new string('n', 120) + ".bin", 70_000L), ("c.bin", 1L), ("d", 512L), ("e/é.txt", 5000L) };
        return kind switch
        {
            "zip-crc" => new ZipArchivePlan(Items(log, true, files), Stored),
            "zip-nocrc" => new ZipArchivePlan(Items(log, false, files), Stored),
            "zip-comments" => new ZipArchivePlan(
                [.. Items(log, true, files).Select((it, i) => it with { Entry = new ArchiveEntry(it.Entry.Name) { Length = it.Entry.Length, Crc32 = it.Entry.Crc32, LastModified = Time, Comment = i % 2 == 0 ? $"note {i}: ünïcode" : null } })],
                new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Comment = "archive comment ✓" }),
            "zip-always" => new ZipArchivePlan(Items(log, true, files), new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Zip64 = Zip64Mode.Always }),
            _ => new TarArchivePlan([.. Items(log, false, files), new ArchiveItem(ArchiveEntry.Directory("dir", Time)), new ArchiveItem(ArchiveEntry.SymbolicLink("dir/l", "../c.bin", Time))]),
        };
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task Predicted_length_equals_the_written_length_without_opening_any_source(string kind)
    {
        var log = new OpenLog();
        var plan = Make(kind, log);
        var predicted = await plan.PredictLengthAsync();
        Assert.True(predicted.IsKnown, predicted.Reason);
        Assert.Empty(log.Opens);
        Assert.Equal((await Full(plan)).Length, predicted.Length);
    }

    [Theory]
    [InlineData("zip-crc")]
    [InlineData("zip-always")]
    [InlineData("zip-comments")]
    [InlineData("tar")]
    public async Task Ranges_at_cut_points_concatenate_to_the_full_archive_and_open_only_overlapping_sources_at_their_offsets(string kind)
    {
        var full = await Full(Make(kind, new OpenLog()));
        var random = new Random(42);
        for (var round = 0; round < 20; round++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => (long)random.Next(0, full.Length + 1)).Append(0).Append(full.Length).Distinct().Order().ToList();
            var joined = new List<byte>();
            for (var i = 0; i + 1 < cuts.Count; i++)
            {
                var log = new OpenLog();
                var plan = Make(kind, log);
                var part = await Range(plan, cuts[i], cuts[i + 1]);
                Assert.Equal(cuts[i + 1] - cuts[i], part.Length);
                joined.AddRange(part);
                foreach (var (name, offset) in log.Opens)
                {
                    // The source's content lies where the full archive has it; the range must overlap it, from the offset asked.
                    var content = SyntheticStream.Bytes(plan.Items.First(it => it.Entry.Name == name).Entry.Length!.Value, plan.Items.ToList().FindIndex(it => it.Entry.Name == name), compressible: false);
                    if (content.Length < 64)
                    {
                        continue; // too short to be found unambiguously in the archive's bytes
                    }

                    var at = IndexOf(full, content);
                    Assert.True(at >= 0);
                    Assert.True(Math.Max(0, cuts[i] - at) == offset, $"{name} at {at} len {content.Length} cut {cuts[i]}..{cuts[i + 1]} opened at {offset}; opens: {string.Join(",", log.Opens)}");
                    Assert.True(at + content.Length > cuts[i] && at < cuts[i + 1], $"{name} opened for a range that does not overlap it");
                }
            }

            Assert.Equal(full, joined.ToArray());
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => needle.Length == 0 ? -1 : haystack.AsSpan().IndexOf(needle);

    [Fact]
    public async Task Empty_range_and_whole_range_are_allowed_and_ranges_outside_the_archive_are_refused()
    {
        var plan = Make("tar", new OpenLog());
        var length = (await plan.PredictLengthAsync()).Length!.Value;
        Assert.Empty(await Range(plan, 10, 10));
        Assert.Equal(await Full(plan), await Range(plan, 0, length));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Range(plan, 0, length + 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Range(plan, 5, 4));
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Deflate)]
    [InlineData(ZipCompressionMethod.Zstandard)]
    public async Task Compressed_zip_cannot_be_sized_or_ranged_and_says_why(ZipCompressionMethod method)
    {
        var plan = new ZipArchivePlan(Items(new OpenLog(), true, ("a", 10)), new ZipWriterOptions { Method = method });
        var predicted = await plan.PredictLengthAsync();
        Assert.False(predicted.IsKnown);
        Assert.Contains("entry 'a'", predicted.Reason, StringComparison.Ordinal);
        Assert.Contains("Stored", predicted.Reason, StringComparison.Ordinal);
        var output = new AsyncOnlyStream();
        await Assert.ThrowsAsync<ArchiveException>(async () => await plan.WriteRangeAsync(output, 0, 1));
        Assert.Empty(output.ToArray());
    }

    [Theory]
    [InlineData(TarCompression.Gzip)]
    [InlineData(TarCompression.Zstandard)]
    public async Task Compressed_tar_cannot_be_sized_and_says_why(TarCompression compression)
    {
        var plan = new TarArchivePlan(Items(new OpenLog(), false, ("a", 10)), new TarWriterOptions { Compression = compression });
        var predicted = await plan.PredictLengthAsync();
        Assert.False(predicted.IsKnown);
        Assert.Contains(compression.ToString(), predicted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_length_cannot_be_sized_and_says_which_entry()
    {
        var plan = new ZipArchivePlan([new ArchiveItem(new ArchiveEntry("piped"), EntrySource.FromStream(new SyntheticStream(10)))], Stored);
        var predicted = await plan.PredictLengthAsync();
        Assert.False(predicted.IsKnown);
        Assert.Contains("entry 'piped'", predicted.Reason, StringComparison.Ordinal);
        Assert.Contains("Length", predicted.Reason, StringComparison.Ordinal);
    }

    private static ZipArchivePlan NoCrcPlan(OpenLog log, ICrcStore? store)
    {
        var files = new[] { ("a.bin", 70_000L), ("b.bin", 0L), ("c.bin", 300L), ("d.bin", 20_000L) };
        var items = Items(log, false, files).Select(i => i with { Source = new IdentifiedSource(i.Source!, "id:" + i.Entry.Name) });
        return new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = store });
    }

    [Fact]
    public async Task Zip_without_crcs_is_rangeable_and_a_range_reads_the_members_before_it_without_sending_them()
    {
        var full = await Full(NoCrcPlan(new OpenLog(), store: null));
        var log = new OpenLog();
        var plan = NoCrcPlan(log, store: null);
        Assert.True((await plan.PredictRangeableLengthAsync()).IsKnown);
        Assert.Empty(log.Opens);

        // A cut inside d.bin: a, c (b is empty) are read whole for their CRC-32s, d from its start; nothing before the cut is sent.
        var cut = IndexOf(full, SyntheticStream.Bytes(20_000, 3, compressible: false)) + 5000;
        Assert.Equal(full[cut..], await Range(plan, cut, full.Length));
        Assert.Equal([("a.bin", 0L), ("c.bin", 0L), ("d.bin", 0L)], log.Opens);

        // A range that ends inside d.bin's data holds the descriptors of a and c (read whole) but not d's: d is read
        // only up to the range's end.
        var inner = new OpenLog();
        Assert.Equal(full[100..(cut - 1000)], await Range(NoCrcPlan(inner, store: null), 100, cut - 1000));
        Assert.Equal([("a.bin", 0L), ("c.bin", 0L), ("d.bin", 0L)], inner.Opens);

        // A range inside a's data, before its descriptor, opens a at the range's offset and nothing else.
        var aData = IndexOf(full, SyntheticStream.Bytes(70_000, 0, compressible: false));
        var within = new OpenLog();
        Assert.Equal(full[(aData + 10)..(aData + 500)], await Range(NoCrcPlan(within, store: null), aData + 10, aData + 500));
        Assert.Equal([("a.bin", 10L)], within.Opens);
    }

    [Fact]
    public async Task A_crc_store_remembers_what_any_pass_computed_so_a_warm_range_reads_only_the_member_it_starts_in()
    {
        var store = new MemoryCrcStore();
        var full = await Full(NoCrcPlan(new OpenLog(), store));
        Assert.Equal(4, store.Count); // every member read whole, the empty b included

        var cut = IndexOf(full, SyntheticStream.Bytes(20_000, 3, compressible: false)) + 5000;
        var warm = new OpenLog();
        Assert.Equal(full[cut..], await Range(NoCrcPlan(warm, store), cut, full.Length));
        Assert.Equal([("d.bin", 5000L)], warm.Opens);

        // Partly warm: only c remembered; a is read for its CRC-32 and d from its start (the central directory after the
        // range holds d's too), and the range remembers what it computed.
        var partial = new MemoryCrcStore();
        await partial.SetAsync(CrcStoreKeys.For("id:c.bin"), (await store.GetAsync(CrcStoreKeys.For("id:c.bin"), default))!.Value, default);
        var some = new OpenLog();
        Assert.Equal(full[cut..], await Range(NoCrcPlan(some, partial), cut, full.Length));
        Assert.Equal([("a.bin", 0L), ("d.bin", 0L)], some.Opens);
        Assert.Equal(3, partial.Count);
    }

    [Fact]
    public async Task A_wrong_remembered_crc_gives_the_bytes_it_claims_and_a_full_write_never_uses_it()
    {
        var store = new MemoryCrcStore();
        await store.SetAsync(CrcStoreKeys.For("id:a.bin"), 0xDEADBEEF, default);
        var full = await Full(NoCrcPlan(new OpenLog(), store));
        Assert.Equal(await Full(NoCrcPlan(new OpenLog(), store: null)), full);
        Assert.NotEqual(0xDEADBEEFu, (await store.GetAsync(CrcStoreKeys.For("id:a.bin"), default))!.Value);
    }

    [Fact]
    public async Task ETag_is_the_same_for_the_same_entries_and_options_and_changes_with_any_of_them()
    {
        ArchivePlan Plan(string name = "a", long length = 10, DateTimeOffset? time = null, ZipWriterOptions? options = null) =>
            new ZipArchivePlan([new ArchiveItem(new ArchiveEntry(name) { Length = length, LastModified = time ?? Time }, EntrySource.FromBytes(new byte[length]))], options ?? Stored) { DefaultLastModified = Time };
        Assert.Equal(Plan().ETag, Plan().ETag);
        Assert.StartsWith("\"", Plan().ETag, StringComparison.Ordinal);
        Assert.NotEqual(Plan().ETag, Plan(name: "b").ETag);
        Assert.NotEqual(Plan().ETag, Plan(length: 11).ETag);
        Assert.NotEqual(Plan().ETag, Plan(time: Time.AddSeconds(1)).ETag);
        Assert.NotEqual(Plan().ETag, Plan(options: new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Zip64 = Zip64Mode.Always }).ETag);
        Assert.NotEqual(Plan().ETag, new TarArchivePlan(Plan().Items) { DefaultLastModified = Time }.ETag);
    }

    [Fact]
    public async Task ETag_changes_with_where_each_member_is_read_from_and_read_ahead_keeps_it()
    {
        ArchivePlan Plan(EntrySource source, uint? crc = null) =>
            new ZipArchivePlan([new ArchiveItem(new ArchiveEntry("report.bin") { Length = 4, LastModified = Time, Crc32 = crc }, source)], Stored) { DefaultLastModified = Time };
        var dir = Directory.CreateTempSubdirectory("formats-etag-").FullName;
        try
        {
            var (one, two) = (Path.Combine(dir, "v1"), Path.Combine(dir, "v2"));
            await File.WriteAllBytesAsync(one, "abcd"u8.ToArray());
            await File.WriteAllBytesAsync(two, "wxyz"u8.ToArray());
            File.SetLastWriteTimeUtc(one, Time.UtcDateTime);
            File.SetLastWriteTimeUtc(two, Time.UtcDateTime);
            Assert.NotEqual(Plan(EntrySource.FromFile(one)).ETag, Plan(EntrySource.FromFile(two)).ETag);
            Assert.Equal(Plan(EntrySource.FromFile(one)).ETag, Plan(EntrySource.FromFile(one)).ETag);
            Assert.NotEqual(Plan(EntrySource.FromBytes("abcd"u8.ToArray())).ETag, Plan(EntrySource.FromBytes("wxyz"u8.ToArray())).ETag);
            Assert.Equal(Plan(EntrySource.FromBytes("abcd"u8.ToArray())).ETag, Plan(EntrySource.FromBytes("abcd"u8.ToArray())).ETag);
            Assert.NotEqual(Plan(EntrySource.FromBytes("abcd"u8.ToArray())).ETag, Plan(EntrySource.FromBytes("abcd"u8.ToArray()), crc: 0xED82CD11).ETag);

            // A stream or a delegate cannot say where its bytes come from: its entry's metadata alone is the ETag's.
            Assert.Equal(Plan(EntrySource.FromStream(new MemoryStream("abcd"u8.ToArray()))).ETag, Plan(EntrySource.FromStream(new MemoryStream("wxyz"u8.ToArray()))).ETag);

            // Read-ahead sources tell their inner source's location, so a plan over them has the same ETag.
            var items = Plan(EntrySource.FromFile(two)).Items;
            await using var readAhead = Formats.Http.ReadAhead.Create(items);
            Assert.Equal(Plan(EntrySource.FromFile(two)).ETag, new ZipArchivePlan(readAhead.Items, Stored) { DefaultLastModified = Time }.ETag);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ETag_of_a_comment_that_spells_the_next_entrys_line_differs_from_that_entry()
    {
        var t = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = new ZipWriterOptions { Method = ZipCompressionMethod.Stored };
        var b = new ArchiveItem(new ArchiveEntry("b") { Length = 1, Crc32 = 0xE8B7BE43, LastModified = t }, EntrySource.FromBytes("a"u8.ToArray()));
        ArchiveItem A(string comment) => new(new ArchiveEntry("a") { Length = 0, LastModified = t, Comment = comment }, null);

        // b's own line, as the ETag text has it; a comment holding a line feed and that line would end where b's line does.
        var bLine = new ZipArchivePlan([b], options).LayoutText().Split('\n')[^2];
        var two = new ZipArchivePlan([A("x"), b], options);
        var one = new ZipArchivePlan([A("x\n" + bLine)], options);
        Assert.NotEqual(two.ETag, one.ETag);
        Assert.NotEqual(
            new ZipArchivePlan([], new ZipWriterOptions { Comment = "a" }).ETag,
            new ZipArchivePlan([], new ZipWriterOptions { Comment = "a comment 1:b" }).ETag);
    }
}
