using Formats.Naming;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Name checks cost time and memory linear in a name's length, however many folders deep it is.</summary>
public sealed class DeepNameTests
{
    /// <summary>20,000 levels, 40 KB: the quadratic registry kept every folder as a string of its own (12 s, 256 MB).</summary>
    private const int Levels = 20_000;

    private const long AllocationBound = 10 * 1024 * 1024;

    private static string Deep(string segment, string last) => string.Concat(Enumerable.Repeat(segment + "/", Levels)) + last;

    private static long AllocatedBy(Action check)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        check();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData("a")]
    [InlineData("\u00c9")]
    public void A_name_twenty_thousand_folders_deep_is_checked_with_bounded_allocation(string segment)
    {
        var registry = new EntryNameRegistry(EntryNamePolicy.Default);
        var first = Deep(segment, "x.txt");
        var second = Deep(segment, "y.txt");
        Assert.True(first.Length >= 40_000);

        var allocated = AllocatedBy(() =>
        {
            Assert.Equal(first, registry.Register(first, EntryKind.File));
            Assert.Equal(second, registry.Register(second, EntryKind.File));
        });
        Assert.True(allocated < AllocationBound, $"{allocated:N0} bytes allocated for two names of {first.Length:N0} characters");
    }

    [Fact]
    public void Deep_names_still_collide_with_a_file_at_any_level()
    {
        var registry = new EntryNameRegistry(EntryNamePolicy.Default);
        registry.Register(Deep("a", "x.txt"), EntryKind.File);
        var folder = string.Join('/', Enumerable.Repeat("A", Levels / 2));
        var ex = Assert.Throws<InvalidEntryNameException>(() => registry.Register(folder + ".", EntryKind.File));
        Assert.Equal(EntryNameRule.Collision, ex.Rule);

        registry.Register("f", EntryKind.File);
        var below = Assert.Throws<InvalidEntryNameException>(() => registry.Register("F./" + Deep("b", "c"), EntryKind.File));
        Assert.Contains("the earlier entry 'f' is not a folder", below.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_of_a_name_twenty_thousand_folders_deep_is_written_with_bounded_allocation()
    {
        var name = Deep("a", "x.txt");
        var output = new MemoryStream();
        var before = GC.GetAllocatedBytesForCurrentThread();
        await using (var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Stored }))
        {
            await zip.AddEntryAsync(new ArchiveEntry(name), EntrySource.FromBytes("x"u8.ToArray()));
            await zip.CompleteAsync();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"{allocated:N0} bytes allocated");
        Assert.Equal([name], ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray()).Keys);
    }
}
