using FsCheck;
using FsCheck.Fluent;
using Formats.Zip;

namespace Formats.PropertyTests;

/// <summary>One random entry: what is declared up front, how its content is delivered, and the metadata to compare.</summary>
public sealed record EntryCase(
    string Name,
    EntryKind Kind,
    int Size,
    int Seed,
    bool Compressible,
    bool DeclareLength,
    bool DeclareCrc,
    bool Pushed,
    int Mode,
    DateTimeOffset Time)
{
    public byte[] Content => Kind switch
    {
        EntryKind.File => Formats.Testing.SyntheticStream.Bytes(Size, Seed, Compressible),
        EntryKind.SymbolicLink => System.Text.Encoding.UTF8.GetBytes(LinkTarget!),
        _ => [],
    };

    public string? LinkTarget => Kind == EntryKind.SymbolicLink ? "target-" + Seed : null;

    public override string ToString() =>
        $"{Kind} '{Name}' size={Size} declareLength={DeclareLength} declareCrc={DeclareCrc} pushed={Pushed} mode={Convert.ToString(Mode, 8)} time={Time:O}";
}

/// <summary>A random archive: entries plus the writer's options.</summary>
public sealed record ArchiveCase(IReadOnlyList<EntryCase> Entries, ZipCompressionMethod Method, Zip64Mode Zip64, int Level, int Threads)
{
    public override string ToString() => $"{Method} zip64={Zip64} level={Level} threads={Threads}\n  " + string.Join("\n  ", Entries);
}

public static class ArchiveGenerators
{
    private static readonly string[] Words = ["a", "readme", "data", "résumé", "日本語", "файл", "emoji-😀", "with space", "x.tar.gz", "Ω", "naïve", "long-" + new string('n', 120)];

    private static Gen<string> Segment =>
        from word in Gen.Elements(Words)
        from suffix in Gen.Choose(0, 99)
        select $"{word}{suffix}";

    private static Gen<DateTimeOffset> Time => Gen.OneOf(
        Gen.Choose(315_532_800, 2_000_000_000).Select(s => DateTimeOffset.FromUnixTimeSeconds(s)), // inside the DOS range
        Gen.Choose(-2_000_000_000, 315_532_799).Select(s => DateTimeOffset.FromUnixTimeSeconds(s)), // before 1980, and before 1970
        Gen.Choose(0, 3_000_000).Select(d => new DateTimeOffset(2107, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(d * 37L)), // around and past 2107
        Gen.Choose(1, 10).Select(y => new DateTimeOffset(1601 + (y * 30), 6, 1, 0, 0, 0, TimeSpan.Zero)));

    private static Gen<int> Size => Gen.Frequency(
        (3, Gen.Choose(0, 2)),
        (5, Gen.Choose(3, 5000)),
        (2, Gen.Choose(60_000, 200_000)));

    private static Gen<EntryCase> Entry(int index) =>
        from kind in Gen.Frequency((8, Gen.Constant(EntryKind.File)), (1, Gen.Constant(EntryKind.Directory)), (1, Gen.Constant(EntryKind.SymbolicLink)))
        from depth in Gen.Choose(0, 2)
        from segments in Gen.ArrayOf(Segment, depth + 1)
        from size in Size
        from seed in Gen.Choose(0, 1000)
        from compressible in Gen.Elements(true, false)
        from declareLength in Gen.Elements(true, false)
        from declareCrc in Gen.Elements(true, false)
        from pushed in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from mode in Gen.Elements(0b110_100_100, 0b111_101_101, 0b110_000_000, 0b100_100_100, 0b111_111_111)
        from time in Time
        select new EntryCase(
            $"{index}-{string.Join('/', segments)}",
            kind,
            kind == EntryKind.File ? size : 0,
            seed,
            compressible,
            declareLength,
            declareCrc,
            pushed && kind == EntryKind.File,
            mode,
            time);

    public static Gen<ArchiveCase> Archive =>
        from count in Gen.Choose(0, 12)
        from entries in Gen.CollectToList(Enumerable.Range(0, count), Entry)
        from method in Gen.Elements(ZipCompressionMethod.Stored, ZipCompressionMethod.Deflate, ZipCompressionMethod.Zstandard, ZipCompressionMethod.Auto)
        from zip64 in Gen.Elements(Zip64Mode.Auto, Zip64Mode.Always, Zip64Mode.Never)
        from level in Gen.Choose(0, 9)
        from threads in Gen.Elements(1, 3)
        select new ArchiveCase(entries, method, zip64, level, threads);

    public static Arbitrary<ArchiveCase> ArchiveCase() => Archive.ToArbitrary();
}
