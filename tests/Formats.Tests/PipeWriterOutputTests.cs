using System.IO.Pipelines;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>How content reaches a caller's <see cref="PipeWriter"/> such as Kestrel's response writer.</summary>
public sealed class PipeWriterOutputTests
{
    [Fact]
    public async Task Large_content_reaches_a_caller_pipe_writer_in_one_write_per_piece_not_block_by_block()
    {
        var sink = new MemoryStream();
        var writer = new BlockPipeWriter(PipeWriter.Create(sink, new StreamPipeWriterOptions(leaveOpen: true)));
        var content = SyntheticStream.Bytes(1024 * 1024, seed: 3, compressible: false);
        await using (var zip = new ZipArchiveWriter(writer, new ZipWriterOptions { Method = ZipCompressionMethod.Stored }))
        {
            // A stream source: read in pieces of 64 KiB, as a member's HTTP body is.
            await zip.AddEntryAsync(new ArchiveEntry("big.bin"), EntrySource.FromStream(new MemoryStream(content)), TestContext.Current.CancellationToken);
            await zip.CompleteAsync(TestContext.Current.CancellationToken);
        }

        await writer.FlushAsync(TestContext.Current.CancellationToken);

        // Block by block, 1 MiB was 256 Advance calls of 4 KiB, each taking Kestrel's response lock; now a few records.
        Assert.InRange(writer.Advances, 1, 8);
        Assert.InRange(writer.Writes, 1, 16);
        Assert.Equal(content, ZipTestHelpers.ReadWithSystemIoCompression(sink.ToArray())["big.bin"]);
    }

    /// <summary>A writer that hands out blocks of 4 KiB for small hints, as Kestrel's response writer does, and counts calls.</summary>
    private sealed class BlockPipeWriter(PipeWriter inner) : PipeWriter
    {
        private const int BlockBytes = 4096;

        public int Advances { get; private set; }

        public int Writes { get; private set; }

        public override void Advance(int bytes)
        {
            Advances++;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            var memory = inner.GetMemory(sizeHint);
            return sizeHint <= BlockBytes ? memory[..Math.Min(memory.Length, BlockBytes)] : memory;
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Writes++;
            return inner.WriteAsync(source, cancellationToken);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
