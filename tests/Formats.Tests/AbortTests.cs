using Formats.Zip;

namespace Formats.Tests;

/// <summary>
/// An archive that fails, or is disposed without CompleteAsync, gives back every rented buffer and waits for its
/// background work (compression chunks in flight, members compressed ahead) before DisposeAsync returns.
/// </summary>
public sealed class AbortTests
{
    private const int MiB = 1024 * 1024;

    private static EntrySource FailingAfter(long bytes, long length) =>
        EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new SyntheticStream(length, seed: 9, failAfter: bytes)));

    public static TheoryData<string> Scenarios => new()
    {
        "deflate-chunks-in-flight",
        "zstd-member",
        "auto-trial-held",
        "auto-after-trial",
        "members-compressed-ahead",
        "disposed-mid-pushed-entry",
        "disposed-with-members-waiting",
    };

    private static async Task RunAsync(string scenario, ZipArchiveWriter zip)
    {
        switch (scenario)
        {
            case "deflate-chunks-in-flight":
                await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("big.bin"), FailingAfter(5 * MiB, 8 * MiB)));
                break;
            case "zstd-member":
                await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("big.bin"), FailingAfter(3 * MiB, 8 * MiB)));
                break;
            case "auto-trial-held":
                await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("big.bin"), FailingAfter(10_000, 8 * MiB)));
                break;
            case "auto-after-trial":
                await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("big.bin"), FailingAfter(3 * MiB, 8 * MiB)));
                break;
            case "members-compressed-ahead":
                for (var i = 0; i < 40; i++)
                {
                    await zip.AddEntryAsync(new ArchiveEntry($"small{i}.txt"), EntrySource.FromBytes(SyntheticStream.Bytes(50_000, seed: i)));
                }

                await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("bad.bin") { Length = 100 }, EntrySource.FromBytes(new byte[99])));
                break;
            case "disposed-mid-pushed-entry":
                var stream = await zip.OpenEntryAsync(new ArchiveEntry("pushed.bin"));
                await stream.WriteAsync(SyntheticStream.Bytes(3 * MiB));
                break;
            case "disposed-with-members-waiting":
                for (var i = 0; i < 40; i++)
                {
                    await zip.AddEntryAsync(new ArchiveEntry($"small{i}.txt"), EntrySource.FromBytes(SyntheticStream.Bytes(50_000, seed: i)));
                }

                break;
        }
    }

    private static ZipWriterOptions Options(string scenario) => new()
    {
        Method = scenario.StartsWith("zstd", StringComparison.Ordinal) ? ZipCompressionMethod.Zstandard
            : scenario.StartsWith("auto", StringComparison.Ordinal) ? ZipCompressionMethod.Auto
            : ZipCompressionMethod.Deflate,
        MaxDegreeOfParallelism = 2,
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Aborted_archive_gives_back_every_buffer_and_writes_no_end_records(string scenario)
    {
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output, Options(scenario));
        await RunAsync(scenario, zip);
        await zip.DisposeAsync();
        Assert.Equal(0, zip.Buffers.Outstanding);
        Assert.False(ZipTestHelpers.EndsWithEndOfCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task Completed_archive_gives_back_every_buffer()
    {
        var zip = new ZipArchiveWriter(new AsyncOnlyStream(), new ZipWriterOptions { Method = ZipCompressionMethod.Auto, MaxDegreeOfParallelism = 2 });
        for (var i = 0; i < 30; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"m{i}.bin"), EntrySource.FromBytes(SyntheticStream.Bytes(i * 100_000, seed: i, compressible: i % 2 == 0)));
        }

        await zip.CompleteAsync();
        await zip.DisposeAsync();
        Assert.Equal(0, zip.Buffers.Outstanding);
    }
}
