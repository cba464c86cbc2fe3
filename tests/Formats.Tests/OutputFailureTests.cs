using System.IO.Pipelines;
using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>An output that fails or stops reading fails the archive in the call that caused it, naming the entry.</summary>
public sealed class OutputFailureTests
{
    public static TheoryData<TarCompression> Compressions => new() { TarCompression.None, TarCompression.Gzip, TarCompression.Zstandard };

    [Theory]
    [MemberData(nameof(Compressions))]
    public async Task Tar_to_a_pipe_whose_reader_completed_fails_instead_of_writing_for_nobody(TarCompression compression)
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();
        await using var tar = new TarArchiveWriter(pipe.Writer, new TarWriterOptions { Compression = compression });
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            for (var i = 0; i < 64; i++)
            {
                await tar.AddEntryAsync(new ArchiveEntry($"m{i}.bin"), EntrySource.FromBytes(SyntheticStream.Bytes(64 * 1024, seed: i, compressible: false)));
            }

            await tar.CompleteAsync();
        });
        Assert.True(ex is IOException or ArchiveException, ex.ToString());
        Assert.Contains("stopped reading", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Small_members_compressed_ahead_reach_the_output_without_waiting_for_a_batch()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { MaxDegreeOfParallelism = 2 });
        for (var i = 0; i < 5; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"small{i}.txt"), EntrySource.FromBytes(SyntheticStream.Bytes(1024, seed: i)));

            // A slow producer: the worker has compressed what it was given before the next member comes (awaited, with a
            // guard against a hang, rather than guessed at with a sleep); the next call writes what it compressed.
            await zip.CompressedAhead.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        // Before, nothing was handed to the output until 64 members (two batches per worker) waited.
        Assert.True(zip.BytesWritten > 0);
        await zip.CompleteAsync();
        Assert.Equal(5, ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray()).Count);
    }

    [Fact]
    public async Task Output_failure_while_writing_a_member_compressed_ahead_names_that_member()
    {
        var output = new FailingOutput();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { MaxDegreeOfParallelism = 2 });
        var names = Enumerable.Range(0, 40).Select(i => $"member{i}.bin").ToList();
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
        {
            foreach (var name in names)
            {
                await zip.AddEntryAsync(new ArchiveEntry(name), EntrySource.FromBytes(SyntheticStream.Bytes(100 * 1024, seed: name.Length, compressible: false)));
            }

            await zip.CompleteAsync();
        });
        Assert.Contains(ex.EntryName, names);
        Assert.Contains("disk full", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.EntryName!, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>An output whose every write fails.</summary>
    private sealed class FailingOutput : AsyncOutputStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk full"));
    }
}
