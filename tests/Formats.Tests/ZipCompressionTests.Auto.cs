using System.IO.Compression;
using System.IO.Hashing;
using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>The auto method: stored for what is compressed already, deflate for the rest, decided before a byte of the member is written.</summary>
public sealed partial class ZipCompressionTests
{
    [Fact]
    public async Task Auto_stores_what_is_compressed_already_and_deflates_the_rest()
    {
        var (zip, contents) = await MixedArchiveAsync(ZipCompressionMethod.Auto, threads: 2);
        var entries = ZipInspector.Inspect(zip).Entries.ToDictionary(e => e.Name);

        // By name, even though this content would deflate well.
        Assert.Equal(0, entries["photo.jpg"].Central.CompressionMethod);

        // By the trial: noise is stored, small or large; text is deflated, small or large, pushed or not.
        Assert.Equal(0, entries["noise-3MiB"].Central.CompressionMethod);
        Assert.Equal(0, entries["noise-small.bin"].Central.CompressionMethod);
        foreach (var name in new[] { "text-5MiB+1", "text-1MiB", "pushed-unknown-length", "pushed-known-length", "small/60.txt" })
        {
            Assert.Equal(8, entries[name].Central.CompressionMethod);
        }

        // A small member is decided with its whole content in hand, so its CRC and sizes go in the local header.
        Assert.Equal(0, entries["noise-small.bin"].DescriptorLength);
        Assert.Equal(Crc32.HashToUInt32(contents["noise-small.bin"]), entries["noise-small.bin"].Local.Crc32);
        Assert.True(entries["noise-3MiB"].DescriptorLength > 0);
    }

    [Fact]
    public async Task Auto_stores_by_name_and_by_trial_under_one_rule_sizes_up_front_when_the_crc_is_known_first()
    {
        var photo = Noise(10_000, seed: 7);
        var noise = Noise(10_000, seed: 8);
        var video = Noise(3 * MiB, seed: 9);
        var zip = await WriteZipAsync(
            async z =>
            {
                await z.AddEntryAsync(new ArchiveEntry("small.jpg"), EntrySource.FromBytes(photo));
                await z.AddEntryAsync(new ArchiveEntry("small.bin"), EntrySource.FromBytes(noise));
                await z.AddEntryAsync(new ArchiveEntry("declared.mp4") { Crc32 = Crc32.HashToUInt32(video) }, EntrySource.FromBytes(video));
                await z.AddEntryAsync(new ArchiveEntry("undeclared.mp4"), EntrySource.FromBytes(video));
            },
            new ZipWriterOptions { Method = ZipCompressionMethod.Auto, MaxDegreeOfParallelism = 2 });
        var entries = ZipInspector.Inspect(zip).Entries.ToDictionary(e => e.Name);
        Assert.All(entries.Values, e => Assert.Equal(0, e.Central.CompressionMethod));

        // Stored by name or by trial alike: no descriptor where the CRC is known before the header (held small
        // members, declared CRCs), a descriptor where it cannot be.
        Assert.Equal(0, entries["small.jpg"].DescriptorLength);
        Assert.Equal(0, entries["small.bin"].DescriptorLength);
        Assert.Equal(0, entries["declared.mp4"].DescriptorLength);
        Assert.Equal(16, entries["undeclared.mp4"].DescriptorLength);
        Assert.Equal(Crc32.HashToUInt32(photo), entries["small.jpg"].Local.Crc32);
    }

    [Fact]
    public async Task Auto_writes_nothing_of_a_member_until_its_first_64_KiB_decided_the_method()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Auto });
        var noise = Noise(200_000, 3);
        await using (var stream = await zip.OpenEntryAsync(new ArchiveEntry("unknown-length.bin")))
        {
            await stream.WriteAsync(noise.AsMemory(0, 65_535));
            Assert.Equal(0, zip.BytesWritten);
            await stream.WriteAsync(noise.AsMemory(65_535, 1));
            Assert.True(zip.BytesWritten >= 65_536, $"{zip.BytesWritten} bytes written once the trial has its 64 KiB");
            await stream.WriteAsync(noise.AsMemory(65_536));
        }

        await zip.CompleteAsync();
        var e = Assert.Single(ZipInspector.Inspect(output.ToArray()).Entries);
        Assert.Equal(0, e.Central.CompressionMethod);
        Assert.Equal(noise, ReadWithSystemIoCompression(output.ToArray())["unknown-length.bin"]);
    }

    [Fact]
    public async Task Auto_cannot_predict_a_length_and_says_why()
    {
        var plan = new ZipArchivePlan(
            [new ArchiveItem(new ArchiveEntry("a.txt"), EntrySource.FromBytes(Text(100, 1)))],
            new ZipWriterOptions { Method = ZipCompressionMethod.Auto });
        var prediction = await plan.PredictLengthAsync();
        Assert.Null(prediction.Length);
        Assert.Contains("Auto output has a length that depends on the content", prediction.Reason, StringComparison.Ordinal);
    }
}
