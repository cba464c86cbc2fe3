using Formats.Zip;
using Formats.Zip.Encoding;
using Formats.Zip.Sources;

namespace Formats.Tests;

/// <summary>The compression methods, registered once (issue 24, item 6): what the layout, copies and zip64 rules ask.</summary>
public sealed class ZipMethodTableTests
{
    private static readonly ZipCompressionMethod[] Written = [ZipCompressionMethod.Stored, ZipCompressionMethod.Deflate, ZipCompressionMethod.Zstandard];

    [Fact]
    public void Every_method_but_auto_is_registered_once_under_its_own_header_id()
    {
        foreach (var method in Written)
        {
            var registered = ZipMethods.For(method);
            Assert.Equal(method, registered.Method);
            Assert.Same(registered, ZipMethods.ForId(registered.Id));
        }

        Assert.Equal([0, 8, 93], Written.Select(m => (int)ZipMethods.For(m).Id));
        Assert.False(ZipMethods.Writes(ZipCompressionMethod.Auto));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZipMethods.For(ZipCompressionMethod.Auto));
        Assert.Null(ZipMethods.ForId(14)); // LZMA: not written, so not copied
        Assert.Equal("0 (stored), 8 (deflate) and 93 (zstd)", ZipMethods.Described());
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Stored)]
    [InlineData(ZipCompressionMethod.Deflate)]
    [InlineData(ZipCompressionMethod.Zstandard)]
    public async Task Each_method_writes_incompressible_content_within_the_bounds_it_states(ZipCompressionMethod method)
    {
        // Random bytes are the worst case of every encoder; 1 MiB + 1 crosses a deflate chunk and a zstd reader buffer.
        int[] lengths = [1, 1000, 128 * 1024, (1 << 20) + 1];
        var output = new MemoryStream();
        await using (var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = method }))
        {
            foreach (var length in lengths)
            {
                await zip.AddEntryAsync(new ArchiveEntry($"m{length}"), EntrySource.FromBytes(SyntheticStream.Bytes(length, length, compressible: false)));
            }

            await zip.CompleteAsync();
        }

        var registered = ZipMethods.For(method);
        var archive = await ZipSourceArchive.OpenAsync(new MemoryStream(output.ToArray()));
        Assert.Equal(lengths.Length, archive.Entries.Count);
        foreach (var entry in archive.Entries)
        {
            Assert.Equal(registered.Id, entry.MethodId);
            Assert.InRange(entry.CompressedLength, registered.ShortestEncodedLength, registered.MaxEncodedLength(entry.Length));
        }
    }
}
