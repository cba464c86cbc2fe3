using System.IO.Compression;
using Formats.Zip;

namespace Formats.Bench;

/// <summary>
/// Retained bytes per entry: the managed heap a writer keeps for each entry until the archive is complete (the
/// central directory's needs), measured after a full GC with 100,000 entries added and the archive not yet completed,
/// minus the same writer with 1,000 entries, divided by the difference. Reported per writer with the name's own bytes
/// (its UTF-16 string, its UTF-8 bytes) subtracted. Run: <c>dotnet run -c Release --project bench/Formats.Bench -- --retained</c>.
/// </summary>
public static class RetainedPerEntry
{
    public static async Task RunAsync(TextWriter output)
    {
        const int Few = 1_000, Many = 100_000;
        static string Name(int i) => $"dir/m{i:D6}.txt";
        var nameLength = Name(0).Length;

        // The name's own bytes, as any writer must keep them: a UTF-16 string (22 + 2n, 8-aligned) and UTF-8 bytes (24 + n, 8-aligned).
        var nameBytes = Align(22 + (2 * nameLength)) + Align(24 + nameLength);
        await output.WriteLineAsync($"names are {nameLength} characters; their own bytes, {nameBytes}, are subtracted");
        foreach (var (writer, measure) in new (string, Func<int, Task<long>>)[] { ("Formats ZipArchiveWriter", FormatsAsync), ("System.IO.Compression ZipArchive", ZipArchiveAsync) })
        {
            var few = await measure(Few);
            var many = await measure(Many);
            var perEntry = (double)(many - few) / (Many - Few);
            await output.WriteLineAsync($"{writer}: {perEntry:F1} bytes retained per entry, {perEntry - nameBytes:F1} beyond its name");
        }

        async Task<long> FormatsAsync(int count)
        {
            var zip = new ZipArchiveWriter(Stream.Null, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
            for (var i = 0; i < count; i++)
            {
                await zip.AddEntryAsync(new ArchiveEntry(Name(i)) { LastModified = DateTimeOffset.UnixEpoch }, null);
            }

            var retained = Heap();
            await zip.CompleteAsync();
            await zip.DisposeAsync();
            return retained;
        }

        async Task<long> ZipArchiveAsync(int count)
        {
            var zip = new ZipArchive(new TouchingSink(), ZipArchiveMode.Create, leaveOpen: true);
            for (var i = 0; i < count; i++)
            {
                await using (await zip.CreateEntry(Name(i), CompressionLevel.NoCompression).OpenAsync())
                {
                }
            }

            var retained = Heap();
            await zip.DisposeAsync();
            return retained;
        }
    }

    private static long Align(long bytes) => (bytes + 7) / 8 * 8;

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
