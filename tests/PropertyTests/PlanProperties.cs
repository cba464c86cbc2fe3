using System.IO.Hashing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Formats.Tar;
using Formats.Zip;

namespace Formats.PropertyTests;

/// <summary>A random plannable archive: stored zip (with or without CRCs, zip64 auto or always) or plain tar, and cut points.</summary>
public sealed record PlanCase(IReadOnlyList<EntryCase> Entries, string Format, bool Crcs, Zip64Mode Zip64, IReadOnlyList<int> CutPermille)
{
    public override string ToString() => $"{Format} crcs={Crcs} zip64={Zip64} cuts={string.Join(",", CutPermille)}\n  " + string.Join("\n  ", Entries);
}

public static class PlanGenerators
{
    public static Arbitrary<PlanCase> PlanCase() =>
        (from archive in ArchiveGenerators.Archive
         from format in Gen.Elements("zip", "tar")
         from crcs in Gen.Elements(true, false)
         from zip64 in Gen.Elements(Zip64Mode.Auto, Zip64Mode.Always)
         from cuts in Gen.ListOf(Gen.Choose(0, 1000), 4)
         select new PlanCase(archive.Entries, format, crcs, zip64, cuts)).ToArbitrary();
}

/// <summary>Prediction, ranges and emission come from one layout: they agree for any entry set.</summary>
public sealed class PlanProperties
{
    private static readonly DateTimeOffset Default = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ArchivePlan Plan(PlanCase c, List<(string Name, long Offset)>? opens = null)
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
            };
            var source = e.Kind != EntryKind.File ? null : EntrySource.FromDelegate((offset, _) =>
            {
                opens?.Add((e.Name, offset));
                return ValueTask.FromResult<Stream>(new MemoryStream(content, (int)offset, content.Length - (int)offset));
            }, content.Length);
            return new ArchiveItem(entry, source);
        });
        return c.Format == "zip"
            ? new ZipArchivePlan(items, new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Zip64 = c.Zip64 }) { DefaultLastModified = Default }
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
        if (c.Format == "zip" && !c.Crcs)
        {
            return; // refused; covered by the refusal tests
        }

        var full = await FullAsync(Plan(c));

        // Where each file's content lies in the whole archive, read off its structure.
        var dataOffsets = c.Format == "zip"
            ? ZipInspector.Inspect(full).Entries.ToDictionary(e => e.Name, e => e.DataOffset)
            : TarInspector.Inspect(full).ToDictionary(m => m.Path, m => m.DataOffset);
        var files = c.Entries.Where(e => e.Kind == EntryKind.File && e.Size > 0).ToList();
        var cuts = c.CutPermille.Select(p => full.Length * (long)p / 1000).Append(0).Append(full.Length).Distinct().Order().ToList();
        var joined = new List<byte>();
        for (var i = 0; i + 1 < cuts.Count; i++)
        {
            var opens = new List<(string Name, long Offset)>();
            var plan = Plan(c, opens);
            var output = new AsyncOnlyStream();
            await plan.WriteRangeAsync(output, cuts[i], cuts[i + 1]);
            var part = output.ToArray();
            Assert.Equal(cuts[i + 1] - cuts[i], part.Length);
            joined.AddRange(part);
            // Exactly the files whose content overlaps [start, end) were opened, once each, at the offset the range starts in them.
            var (start, end) = (cuts[i], cuts[i + 1]);
            var expected = files
                .Where(f => dataOffsets[f.Name] < end && dataOffsets[f.Name] + f.Size > start)
                .Select(f => (f.Name, Math.Max(0, start - dataOffsets[f.Name])))
                .ToList();
            Assert.Equal(expected, opens);
        }

        Assert.Equal(full, joined.ToArray());
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
