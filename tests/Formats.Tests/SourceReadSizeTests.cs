using Formats.Zip;

namespace Formats.Tests;

/// <summary>How much a source is asked for at a time: each read is a receive and a write to the output.</summary>
public sealed class SourceReadSizeTests
{
    [Fact]
    public async Task A_stream_source_is_asked_for_256_KiB_a_read()
    {
        var content = SyntheticStream.Bytes(1024 * 1024, seed: 5, compressible: false);
        var source = new AskedSizes(content);
        var output = new MemoryStream();
        await using (var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Stored }))
        {
            await zip.AddEntryAsync(new ArchiveEntry("big.bin"), EntrySource.FromStream(source), TestContext.Current.CancellationToken);
            await zip.CompleteAsync(TestContext.Current.CancellationToken);
        }

        // 64 KiB a read made a member's HTTP body four times as many receives, writes and flushes.
        Assert.Equal(256 * 1024, source.Asked.Max());
        Assert.Equal(content, ZipTestHelpers.ReadWithSystemIoCompression(output.ToArray())["big.bin"]);
    }

    private sealed class AskedSizes(byte[] content) : MemoryStream(content, writable: false)
    {
        public List<int> Asked { get; } = [];

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Asked.Add(buffer.Length);
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
