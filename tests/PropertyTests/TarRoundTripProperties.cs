using System.Formats.Tar;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Formats.Tar;

namespace Formats.PropertyTests;

/// <summary>A random tar: entries (every file's length declared or known to its source) and the compression.</summary>
public sealed record TarCase(IReadOnlyList<EntryCase> Entries, TarCompression Compression, int Level, int UserId)
{
    public override string ToString() => $"{Compression} level={Level} uid={UserId}\n  " + string.Join("\n  ", Entries);
}

public static class TarGenerators
{
    private static Gen<DateTimeOffset> FractionalTime =>
        Gen.Choose(0, 2_000_000_000).SelectMany(s => Gen.Choose(0, 999).Select(ms => DateTimeOffset.FromUnixTimeSeconds(s).AddMilliseconds(ms)));

    public static Arbitrary<TarCase> TarCase() =>
        (from archive in ArchiveGenerators.Archive
         from compression in Gen.Elements(TarCompression.None, TarCompression.Gzip, TarCompression.Zstandard)
         from fractional in Gen.ListOf(FractionalTime, archive.Entries.Count)
         from useFraction in Gen.Elements(true, false)
         from uid in Gen.Elements(0, 1000, 2_097_151, 2_097_152, 70_000_000)
         select new TarCase(
             archive.Entries.Select((e, i) => useFraction && i % 2 == 0 ? e with { Time = fractional[i] } : e).ToList(),
             compression,
             archive.Level,
             uid)).ToArbitrary();
}

/// <summary>Random entry sets written by <see cref="TarArchiveWriter"/> and read back by System.Formats.Tar and SharpCompress.</summary>
public sealed class TarRoundTripProperties
{
    private static async Task<byte[]> WriteAsync(TarCase c)
    {
        var output = new AsyncOnlyStream();
        await using var tar = new TarArchiveWriter(output, new TarWriterOptions { Compression = c.Compression, CompressionLevel = c.Level });
        foreach (var e in c.Entries)
        {
            var content = e.Kind == EntryKind.File ? e.Content : [];
            var entry = new ArchiveEntry(e.Name, e.Kind)
            {
                Length = e.Kind == EntryKind.File && (e.DeclareLength || e.Pushed || e.Seed % 2 == 1) ? content.Length : null,
                LastModified = e.Time,
                Mode = (UnixFileMode)e.Mode,
                LinkTarget = e.LinkTarget,
                UserId = c.UserId,
                GroupId = c.UserId / 2,
                UserName = e.Seed % 3 == 0 ? "user-" + e.Seed : null,
            };
            if (e.Pushed)
            {
                await using var stream = await tar.OpenEntryAsync(entry);
                await stream.WriteAsync(content);
            }
            else
            {
                var source = e.Kind != EntryKind.File ? null
                    : e.Seed % 2 == 0 ? EntrySource.FromBytes(content)
                    : EntrySource.FromStream(new SyntheticStream(content.Length, e.Seed, compressible: e.Compressible));
                await tar.AddEntryAsync(entry, source);
            }
        }

        await tar.CompleteAsync();
        return output.ToArray();
    }

    private static string ExpectedName(EntryCase e) => e.Kind == EntryKind.Directory ? e.Name + "/" : e.Name;

    [Property(Arbitrary = [typeof(TarGenerators)], MaxTest = 150)]
    public async Task Tars_read_back_through_System_Formats_Tar_with_names_content_modes_times_owners_and_links(TarCase c)
    {
        var plain = TarTestHelpers.Decompress(await WriteAsync(c), c.Compression);
        TarInspector.Inspect(plain);
        var read = TarTestHelpers.ReadWithTarReader(plain);
        Assert.Equal(c.Entries.Select(ExpectedName), read.Select(e => e.Name));
        foreach (var (expected, actual) in c.Entries.Zip(read))
        {
            Assert.Equal(expected.Kind switch
            {
                EntryKind.Directory => TarEntryType.Directory,
                EntryKind.SymbolicLink => TarEntryType.SymbolicLink,
                _ => TarEntryType.RegularFile,
            }, actual.Type);
            Assert.Equal(expected.Kind == EntryKind.File ? expected.Content : [], actual.Content);
            Assert.Equal(expected.Mode, actual.Mode);
            Assert.Equal(expected.LinkTarget ?? "", actual.LinkName);
            Assert.Equal((c.UserId, c.UserId / 2), (actual.Uid, actual.Gid));
            Assert.Equal(expected.Seed % 3 == 0 ? "user-" + expected.Seed : "", actual.UserName);

            // System.Formats.Tar parses a pax time as a double: equal to within a microsecond.
            Assert.InRange((actual.Modified - expected.Time).Duration(), TimeSpan.Zero, TimeSpan.FromMicroseconds(1));
        }
    }

    [Property(Arbitrary = [typeof(TarGenerators)], MaxTest = 150)]
    public async Task Tars_read_back_through_SharpCompress_with_names_content_and_link_targets(TarCase c)
    {
        var archive = await WriteAsync(c);
        using var reader = SharpCompress.Readers.ReaderFactory.OpenReader(new MemoryStream(archive));
        var index = 0;
        while (reader.MoveToNextEntry())
        {
            var expected = c.Entries[index++];
            var entry = reader.Entry;
            Assert.Equal(expected.Kind == EntryKind.Directory ? expected.Name + "/" : expected.Name, entry.Key);
            Assert.Equal(expected.Kind == EntryKind.Directory, entry.IsDirectory);
            if (expected.Kind == EntryKind.SymbolicLink)
            {
                Assert.Equal(expected.LinkTarget, entry.LinkTarget);
            }

            if (!entry.IsDirectory)
            {
                using var s = reader.OpenEntryStream();
                var ms = new MemoryStream();
                await s.CopyToAsync(ms);
                Assert.Equal(expected.Kind == EntryKind.File ? expected.Content : [], ms.ToArray());
            }
        }

        Assert.Equal(c.Entries.Count, index);
    }

    [Property(Arbitrary = [typeof(TarGenerators)], MaxTest = 60)]
    public async Task Same_entries_and_options_give_byte_identical_tars(TarCase c)
    {
        Assert.Equal(await WriteAsync(c), await WriteAsync(c));
    }
}
