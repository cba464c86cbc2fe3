using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>
/// A writer that is done lets go of what it kept per entry (the names it checked, a zip's central directory), so that
/// whoever still refers to it for a while (a pooled async state machine, a caller's field) holds no archive's worth of
/// memory.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class DisposedWriterMemoryTests
{
    private const int Entries = 50_000;

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task A_completed_and_disposed_writer_holds_nothing_per_entry_for_whoever_still_refers_to_it(string format)
    {
        var entries = Enumerable.Range(0, Entries).Select(i => new ArchiveEntry($"Folder{i / 100}/Photo{i}.JPG") { Length = 0 }).ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        ArchiveWriter writer = format == "zip" ? new ZipArchiveWriter(Stream.Null) : new TarArchiveWriter(Stream.Null);
        await using (writer)
        {
            foreach (var entry in entries)
            {
                await writer.AddEntryAsync(entry, EntrySource.FromBytes(ReadOnlyMemory<byte>.Empty), TestContext.Current.CancellationToken);
            }

            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);

        // Kept per entry before: the name and its folded form in the name sets, and a zip's central directory record.
        Assert.InRange((after - before) / (double)Entries, double.MinValue, 4);
        GC.KeepAlive(writer);
        GC.KeepAlive(entries);
    }
}
