using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>A writer takes one call at a time; a call made while another runs fails the archive, so it is never called complete.</summary>
public sealed class ConcurrentUseTests
{
    private static IArchiveSink Create(string format, Stream output) =>
        format == "zip" ? new ZipArchiveWriter(output, new ZipWriterOptions { MaxDegreeOfParallelism = 2 }) : new TarArchiveWriter(output);

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task Add_while_another_add_runs_throws_and_fails_the_archive(string format)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new AsyncOnlyStream();
        await using var sink = Create(format, output);
        var slow = EntrySource.FromDelegate(
            async (_, ct) =>
            {
                await gate.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                return new MemoryStream(new byte[5000]);
            },
            5000);
        var first = sink.AddEntryAsync(new ArchiveEntry("first.bin") { Length = 5000 }, slow).AsTask();
        Assert.False(first.IsCompleted);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await sink.AddEntryAsync(new ArchiveEntry("second.bin"), EntrySource.FromBytes(new byte[10])));
        Assert.Contains("one call at a time", ex.Message, StringComparison.Ordinal);
        gate.SetResult();
        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await sink.CompleteAsync());
    }

    [Fact]
    public async Task Two_writes_at_once_to_an_entry_stream_throw_and_fail_the_archive()
    {
        var output = new BlockingOutput();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        await using var entry = await zip.OpenEntryAsync(new ArchiveEntry("pushed.bin"));
        var big = new byte[1024 * 1024];
        var first = entry.WriteAsync(big).AsTask();
        Assert.False(first.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await entry.WriteAsync(big));
        output.Release();
        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.CompleteAsync());
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task Racing_adds_never_give_an_archive_called_complete_that_a_reader_rejects(string format)
    {
        for (var trial = 0; trial < 300; trial++)
        {
            var output = new MemoryStream();
            var completed = false;
            await using (var sink = Create(format, output))
            {
                using var start = new Barrier(2);
                async Task Add(string name)
                {
                    start.SignalAndWait(TimeSpan.FromSeconds(10));
                    try
                    {
                        await sink.AddEntryAsync(new ArchiveEntry(name) { Length = 20_000 }, EntrySource.FromBytes(SyntheticStream.Bytes(20_000, seed: name.Length)));
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }

                await Task.WhenAll(Task.Run(() => Add("a.bin")), Task.Run(() => Add("bb.bin")));
                try
                {
                    await sink.CompleteAsync();
                    completed = true;
                }
                catch (InvalidOperationException)
                {
                }
            }

            if (completed)
            {
                var names = format == "zip"
                    ? ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray()).Keys.Order().ToList()
                    : TarTestHelpers.ReadWithTarReader(output.ToArray()).Select(e => e.Name).Order().ToList();
                Assert.Equal(["a.bin", "bb.bin"], names);
            }
        }
    }

    /// <summary>An output whose writes wait until released, so that a write is certainly still running.</summary>
    private sealed class BlockingOutput : AsyncOutputStream
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }
}
