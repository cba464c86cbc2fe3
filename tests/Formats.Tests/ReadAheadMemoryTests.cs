using Formats.Http;
using Formats.Tar;

namespace Formats.Tests;

/// <summary>
/// Read-ahead lets go of each member's buffer and copier as the member ends, not when the whole archive does, and wraps
/// each item when its turn comes rather than holding a wrapped copy of every item.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class ReadAheadMemoryTests
{
    [Fact]
    public async Task Members_read_ahead_are_let_go_as_they_end_and_wrapped_as_they_come_so_a_long_archive_holds_no_more_than_its_window()
    {
        const int members = 20_000;
        var budget = new ReadAheadBudget();

        // A first archive warms the pools (segments kept for reuse) so that they do not count below.
        await using (var warm = ReadAhead.Create(Items(1000), depth: 4, bufferBytesPerEntry: 64 * 1024, budget))
        {
            await new TarArchivePlan(warm.Items).WriteAsync(Stream.Null, TestContext.Current.CancellationToken);
        }

        var items = Items(members);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var readAhead = ReadAhead.Create(items, depth: 4, bufferBytesPerEntry: 64 * 1024, budget);
        var plan = new TarArchivePlan(readAhead.Items);
        var ready = GC.GetTotalMemory(forceFullCollection: true);
        await plan.WriteAsync(Stream.Null, TestContext.Current.CancellationToken);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        // Wrapping the items costs read-ahead its own list of them (8 bytes a member), not a wrapped copy of each
        // (some 90 bytes a member); and before the archive is disposed, what it still holds per member is what
        // read-ahead did not let go.
        Assert.InRange((ready - before) / (double)members, double.MinValue, 16);
        Assert.InRange((after - ready) / (double)members, double.MinValue, 64);
        GC.KeepAlive(items);
        Assert.Equal(0, budget.Connections);
        Assert.Equal(0, budget.BufferedBytes);
        GC.KeepAlive(readAhead);
    }

    private static List<ArchiveItem> Items(int count)
    {
        var content = new byte[16];
        return [.. Enumerable.Range(0, count).Select(i => new ArchiveItem(
            new ArchiveEntry($"m{i}") { Length = content.Length },
            EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new MemoryStream(content)), content.Length)))];
    }
}
