using System.IO.Hashing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Formats.Tar;
using Formats.Zip;

namespace Formats.PropertyTests;

/// <summary>
/// A random plannable archive: stored zip (with or without CRCs, zip64 auto or always) or plain tar, cut points, and
/// how much a CRC-32 store knows when the ranges are written: nothing, everything, or the members picked by a seed.
/// </summary>
public sealed record PlanCase(IReadOnlyList<EntryCase> Entries, string Format, bool Crcs, Zip64Mode Zip64, IReadOnlyList<int> CutPermille, string Store = "cold", int StoreSeed = 0)
{
    public override string ToString() => $"{Format} crcs={Crcs} zip64={Zip64} store={Store}/{StoreSeed} cuts={string.Join(",", CutPermille)}\n  " + string.Join("\n  ", Entries);
}

public static class PlanGenerators
{
    public static Arbitrary<PlanCase> PlanCase() =>
        (from archive in ArchiveGenerators.Archive
         from format in Gen.Elements("zip", "tar")
         from crcs in Gen.Elements(true, false)
         from zip64 in Gen.Elements(Zip64Mode.Auto, Zip64Mode.Always)
         from cuts in Gen.ListOf(Gen.Choose(0, 1000), 4)
         from store in Gen.Elements("cold", "warm", "partly warm")
         from storeSeed in Gen.Choose(0, 1000)
         select new PlanCase(archive.Entries, format, crcs, zip64, cuts, store, storeSeed)).ToArbitrary();
}

/// <summary>Prediction, ranges and emission come from one layout: they agree for any entry set.</summary>
public sealed class PlanProperties
{
    private static readonly DateTimeOffset Default = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ArchivePlan Plan(PlanCase c, List<(string Name, long Offset)>? opens = null, ICrcStore? store = null)
    {
        var items = c.Entries.Select(e =>
        {
            var content = e.Kind == EntryKind.File ? e.Content : [];
            var entry = new ArchiveEntry(e.Name, e.Kind)
            {
                Length = e.Kind == EntryKind.File ? content.Length : null,
                Crc32 = c.Crcs && e.Kind == EntryKind.File ? Crc32.HashToUInt32(content) : null,
                LastModified = e.Seed % 5 == 0 ? null : e.Time,
                Mode = (UnixFileMode)e.Mode,
                LinkTarget = e.LinkTarget,
                Comment = e.Seed % 3 == 0 ? $"comment {e.Seed} é" : null,
            };
            var source = e.Kind != EntryKind.File ? null : new IdentifiedSource(EntrySource.FromDelegate((offset, _) =>
            {
                opens?.Add((e.Name, offset));
                return ValueTask.FromResult<Stream>(new MemoryStream(content, (int)offset, content.Length - (int)offset));
            }, content.Length), CrcStoreKeys.For($"id:{e.Name}"));
            return new ArchiveItem(entry, source);
        });
        return c.Format == "zip"
            ? new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Zip64 = c.Zip64, CrcStore = store, Comment = c.StoreSeed % 2 == 0 ? $"archive {c.StoreSeed} ✓" : null }) { DefaultLastModified = Default }
            : new TarArchivePlan(items) { DefaultLastModified = Default };
    }

    private static async Task<byte[]> FullAsync(ArchivePlan plan)
    {
        var output = new AsyncOnlyStream();
        await plan.WriteAsync(output);
        return output.ToArray();
    }

    [Property(Arbitrary = [typeof(PlanGenerators)], MaxTest = 150)]
    public async Task Predicted_length_equals_the_written_length_and_opens_no_source(PlanCase c)
    {
        var opens = new List<(string, long)>();
        var predicted = await Plan(c, opens).PredictLengthAsync();
        Assert.True(predicted.IsKnown, predicted.Reason);
        Assert.Empty(opens);
        Assert.Equal((await FullAsync(Plan(c))).Length, predicted.Length);
    }

    [Property(Arbitrary = [typeof(PlanGenerators)], MaxTest = 150)]
    public async Task Ranges_at_random_cut_points_concatenate_to_the_full_archive(PlanCase c)
    {
        // What a full write remembers: every member's CRC-32, under its source's identity.
        var everything = new MemoryCrcStore();
        var full = await FullAsync(Plan(c, store: everything));
        Assert.Equal(full, await FullAsync(Plan(c)));

        // Where each file's content lies in the whole archive, read off its structure.
        var dataOffsets = c.Format == "zip"
            ? ZipInspector.Inspect(full).Entries.ToDictionary(e => e.Name, e => e.DataOffset)
            : TarInspector.Inspect(full).ToDictionary(m => m.Path, m => m.DataOffset);
        var files = c.Entries.Where(e => e.Kind == EntryKind.File && e.Size > 0).ToList();
        var cuts = c.CutPermille.Select(p => full.Length * (long)p / 1000).Append(0).Append(full.Length).Distinct().Order().ToList();
        var readsForCrcs = c.Format == "zip" && !c.Crcs && c.Store != "warm";
        var joined = new List<byte>();
        for (var i = 0; i + 1 < cuts.Count; i++)
        {
            var opens = new List<(string Name, long Offset)>();
            var plan = Plan(c, opens, await StoreAsync(c, everything));
            var output = new AsyncOnlyStream();
            await plan.WriteRangeAsync(output, cuts[i], cuts[i + 1]);
            var part = output.ToArray();
            Assert.Equal(cuts[i + 1] - cuts[i], part.Length);
            joined.AddRange(part);
            var (start, end) = (cuts[i], cuts[i + 1]);
            var overlapping = files
                .Where(f => dataOffsets[f.Name] < end && dataOffsets[f.Name] + f.Size > start)
                .Select(f => (f.Name, Math.Max(0, start - dataOffsets[f.Name])))
                .ToList();
            if (readsForCrcs)
            {
                // Each file at most once; the ones overlapping the range among them, from their start or the range's.
                Assert.Equal(opens.Count, opens.Select(o => o.Name).Distinct().Count());
                Assert.All(overlapping, o => Assert.Contains(opens, x => x.Name == o.Name && (x.Offset == o.Item2 || x.Offset == 0)));
            }
            else
            {
                // Exactly the files whose content overlaps [start, end) were opened, once each, at the offset the range starts in them.
                Assert.Equal(overlapping, opens);
            }
        }

        Assert.Equal(full, joined.ToArray());
    }

    /// <summary>The store a range starts with: nothing, what a full write remembered, or some of it (picked by the seed).</summary>
    private static async Task<ICrcStore> StoreAsync(PlanCase c, MemoryCrcStore everything)
    {
        var store = new MemoryCrcStore();
        if (c.Store == "cold")
        {
            return store;
        }

        var random = new Random(c.StoreSeed);
        foreach (var e in c.Entries.Where(e => e.Kind == EntryKind.File))
        {
            if ((c.Store == "warm" || random.Next(2) == 0) && await everything.GetAsync(CrcStoreKeys.For($"id:{e.Name}"), default) is { } crc)
            {
                await store.SetAsync(CrcStoreKeys.For($"id:{e.Name}"), crc, default);
            }
        }

        return store;
    }

    public static Arbitrary<(IReadOnlyList<EntryCase> Entries, string Format)> AnyFormat() =>
        (from archive in ArchiveGenerators.Archive
         from none in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
         from format in Gen.Elements("zip-stored", "zip-deflate", "zip-auto", "zip-zstd", "tar", "tar-gzip", "tar-zstd")
         select ((IReadOnlyList<EntryCase>)(none ? [] : archive.Entries), format)).ToArbitrary();

    [Property(Arbitrary = [typeof(PlanProperties)], MaxTest = 120)]
    public async Task Every_format_and_compression_predicts_its_written_length_or_says_why_not_even_with_no_entries((IReadOnlyList<EntryCase> Entries, string Format) c)
    {
        var items = c.Entries.Select(e => new ArchiveItem(
            new ArchiveEntry(e.Name, e.Kind) { Length = e.Kind == EntryKind.File ? e.Content.Length : null, LastModified = e.Time, Mode = (UnixFileMode)e.Mode, LinkTarget = e.LinkTarget },
            e.Kind == EntryKind.File ? EntrySource.FromBytes(e.Content) : null)).ToList();
        ArchivePlan plan = c.Format switch
        {
            "zip-stored" => new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored }),
            "zip-deflate" => new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Deflate }),
            "zip-auto" => new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Auto }),
            "zip-zstd" => new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Zstandard }),
            "tar" => new TarArchivePlan(items),
            "tar-gzip" => new TarArchivePlan(items, new TarWriterOptions { Compression = TarCompression.Gzip }),
            _ => new TarArchivePlan(items, new TarWriterOptions { Compression = TarCompression.Zstandard }),
        };
        var predicted = await plan.PredictLengthAsync();
        var written = (await FullAsync(plan)).Length;
        if (c.Format is "zip-stored" or "tar")
        {
            Assert.True(predicted.IsKnown, predicted.Reason);
        }

        if (c.Format.StartsWith("tar-", StringComparison.Ordinal))
        {
            Assert.False(predicted.IsKnown, $"a compressed tar of {c.Entries.Count} entries predicted {predicted.Length}");
            Assert.Contains("TarCompression.None", predicted.Reason, StringComparison.Ordinal);
        }

        if (predicted.IsKnown)
        {
            Assert.Equal(written, predicted.Length);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(predicted.Reason));
        }
    }

    [Property(Arbitrary = [typeof(PlanGenerators)], MaxTest = 60)]
    public async Task Same_plan_gives_the_same_bytes_and_the_same_etag(PlanCase c)
    {
        Assert.Equal(Plan(c).ETag, Plan(c).ETag);
        Assert.Equal(await FullAsync(Plan(c)), await FullAsync(Plan(c)));
    }
}
