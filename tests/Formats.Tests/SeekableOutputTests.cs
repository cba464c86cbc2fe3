using System.IO.Hashing;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>
/// A stored zip to a seekable output: each member's CRC-32 is written into its local header after its data, so each
/// source is read once and no member has a data descriptor, and the bytes are those of CRC-32s declared up front.
/// </summary>
public sealed class SeekableOutputTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static readonly (string Name, int Length)[] Files = [("a.bin", 300_000), ("empty", 0), ("b/c.txt", 5), ("d.bin", 70_000)];

    private static byte[] Content(int index) => SyntheticStream.Bytes(Files[index].Length, index, compressible: false);

    private static async Task WriteAsync(Stream output, bool declareCrcs, List<string>? opens = null)
    {
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        for (var i = 0; i < Files.Length; i++)
        {
            var content = Content(i);
            var entry = new ArchiveEntry(Files[i].Name) { Length = content.Length, LastModified = Time, Crc32 = declareCrcs ? Crc32.HashToUInt32(content) : null };
            var name = Files[i].Name;
            await zip.AddEntryAsync(entry, EntrySource.FromDelegate((offset, _) =>
            {
                opens?.Add(name);
                return ValueTask.FromResult<Stream>(new ForwardOnlyStream(content[(int)offset..]));
            }, content.Length));
        }

        await zip.CompleteAsync();
    }

    [Fact]
    public async Task Each_source_is_read_once_and_the_bytes_equal_those_of_declared_crcs()
    {
        var declared = new AsyncOnlyStream();
        await WriteAsync(declared, declareCrcs: true);

        var opens = new List<string>();
        var seekable = new MemoryStream();
        await WriteAsync(seekable, declareCrcs: false, opens);

        Assert.Equal(Files.Select(f => f.Name), opens);
        Assert.Equal(declared.ToArray(), seekable.ToArray());
        var inspected = ZipInspector.Inspect(seekable.ToArray());
        Assert.All(inspected.Entries, e => Assert.Equal(0, e.DescriptorLength));
        for (var i = 0; i < Files.Length; i++)
        {
            Assert.Equal(Crc32.HashToUInt32(Content(i)), inspected.Entries[i].Local.Crc32);
        }
    }

    [Fact]
    public async Task A_stream_that_does_not_start_at_zero_gets_its_crcs_where_its_headers_are()
    {
        var declared = new AsyncOnlyStream();
        await WriteAsync(declared, declareCrcs: true);
        var seekable = new MemoryStream();
        seekable.Write("a prefix of someone else's"u8);
        await WriteAsync(seekable, declareCrcs: false);
        Assert.Equal(declared.ToArray(), seekable.ToArray()[26..]);
    }

    [Fact]
    public async Task A_non_seekable_output_keeps_data_descriptors()
    {
        var forward = new AsyncOnlyStream();
        await WriteAsync(forward, declareCrcs: false);
        Assert.Contains(ZipInspector.Inspect(forward.ToArray()).Entries, e => e.DescriptorLength > 0);
    }

    [Fact]
    public async Task Readers_that_read_forward_only_extract_every_member()
    {
        var seekable = new MemoryStream();
        await WriteAsync(seekable, declareCrcs: false);
        using var reader = SharpCompress.Readers.ReaderFactory.OpenReader(new ForwardOnlyStream(seekable.ToArray()));
        var index = 0;
        while (reader.MoveToNextEntry())
        {
            var copy = new MemoryStream();
            reader.WriteEntryTo(copy);
            Assert.Equal(Content(index++), copy.ToArray());
        }

        Assert.Equal(Files.Length, index);
    }
}
