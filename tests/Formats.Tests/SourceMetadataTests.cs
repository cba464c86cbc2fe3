using System.IO.Compression;
using Formats.Http;
using Formats.Tar;
using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>
/// What an entry's form and time come from: what it declares, else what its source knows (before opening, or when
/// opened, as an HTTP response tells Content-Length and Last-Modified), else a documented constant; never the clock.
/// </summary>
public sealed class SourceMetadataTests
{
    private static readonly byte[] Content = SyntheticStream.Bytes(3000, seed: 5);
    private static readonly DateTimeOffset Upstream = new(2023, 3, 4, 5, 6, 8, TimeSpan.Zero);

    private static EntrySource Told(byte[] content, long? length, DateTimeOffset? time = null) =>
        EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new ForwardOnlyStream(content, length, time)));

    [Fact]
    public async Task Zip_entry_whose_source_tells_its_length_when_opened_gets_the_small_form_java_streams_read()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("told.bin"), Told(Content, Content.Length)).AsTask());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.False(e.LocalExtras.ContainsKey(0x0001));
        Assert.Equal(16, e.DescriptorLength);
        Assert.Equal(20, e.Local.VersionNeededToExtract);
        Assert.Equal(Content, ReadWithSystemIoCompression(zip)["told.bin"]);
    }

    [Fact]
    public async Task Zip_entry_whose_source_cannot_tell_its_length_keeps_the_zip64_form()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("pipe.bin"), Told(Content, null)).AsTask());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.True(e.LocalExtras.ContainsKey(0x0001));
        Assert.Equal(24, e.DescriptorLength);
    }

    [Fact]
    public async Task Source_telling_a_wrong_length_when_opened_fails_the_entry()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output);
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("short.bin"), Told(Content, Content.Length + 1)));
        Assert.Equal("short.bin", ex.EntryName);
        Assert.Contains($"declared length is {Content.Length + 1}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entry_without_a_time_takes_the_time_its_source_tells_when_opened()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("dated.bin"), Told(Content, Content.Length, Upstream)).AsTask());
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(Upstream.UtcDateTime, archive.GetEntry("dated.bin")!.LastWriteTime.UtcDateTime);
    }

    [Fact]
    public async Task Declared_time_wins_over_the_time_a_source_tells()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("dated.bin") { LastModified = Time }, Told(Content, Content.Length, Upstream)).AsTask());
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(Time.UtcDateTime, archive.GetEntry("dated.bin")!.LastWriteTime.UtcDateTime);
    }

    [Fact]
    public async Task File_source_dates_an_entry_without_a_time_by_the_file_mtime()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Content);
            File.SetLastWriteTimeUtc(path, Upstream.UtcDateTime);
            var source = EntrySource.FromFile(path);
            Assert.Equal(Upstream, source.LastModified);
            var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("file.bin"), source).AsTask());
            using var archive = new ZipArchive(new MemoryStream(zip));
            Assert.Equal(Upstream.UtcDateTime, archive.GetEntry("file.bin")!.LastWriteTime.UtcDateTime);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Entries_without_any_time_get_1980_01_01_and_the_same_bytes_a_second_later()
    {
        async Task<byte[]> Write() => await WriteZipAsync(async z =>
        {
            await z.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromBytes(Content));
            await z.AddEntryAsync(new ArchiveEntry("pushed.txt"), EntrySource.FromStream(new ForwardOnlyStream(Content)));
            await z.AddEntryAsync(ArchiveEntry.Directory("d"));
        });

        var first = await Write();
        await Task.Delay(TimeSpan.FromSeconds(1.1), TestContext.Current.CancellationToken);
        var second = await Write();
        Assert.Equal(first, second);
        Assert.All(ZipInspector.Inspect(first).Entries, e => Assert.Equal((ushort)((0 << 9) | (1 << 5) | 1), e.Local.LastModFileDate));
        Assert.Equal(new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero), ArchiveEntry.DefaultLastModified);
    }

    [Fact]
    public async Task Plan_ignores_a_time_learned_at_open_so_ranges_and_whole_writes_agree()
    {
        var items = new[] { new ArchiveItem(new ArchiveEntry("dated.bin") { Length = Content.Length }, Told(Content, Content.Length, Upstream)) };
        var plan = new TarArchivePlan(items);
        var whole = new MemoryStream();
        await plan.WriteAsync(whole, TestContext.Current.CancellationToken);
        var length = (await plan.PredictLengthAsync(TestContext.Current.CancellationToken)).Length!.Value;
        var header = new MemoryStream();
        await plan.WriteRangeAsync(header, 0, 512, TestContext.Current.CancellationToken);
        Assert.Equal(length, whole.Length);
        Assert.Equal(whole.ToArray()[..512], header.ToArray());
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(whole.ToArray()));
        Assert.Equal(ArchiveEntry.DefaultLastModified, reader.GetNextEntry()!.ModificationTime);
    }

    [Fact]
    public async Task Tar_entry_whose_source_tells_its_length_when_opened_is_written()
    {
        var output = new MemoryStream();
        await using (var tar = new TarArchiveWriter(output))
        {
            await tar.AddEntryAsync(new ArchiveEntry("told.bin"), Told(Content, Content.Length, Upstream));
            await tar.CompleteAsync();
        }

        output.Position = 0;
        using var reader = new System.Formats.Tar.TarReader(output);
        var entry = reader.GetNextEntry()!;
        Assert.Equal(Content.Length, entry.Length);
        Assert.Equal(Upstream, entry.ModificationTime);
    }

    [Fact]
    public async Task Empty_deflate_member_of_unknown_length_is_a_valid_empty_deflate_stream()
    {
        var zip = await WriteZipAsync(z => z.AddEntryAsync(new ArchiveEntry("empty.txt"), EntrySource.FromStream(new ForwardOnlyStream([]))).AsTask());
        var e = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal(8, e.Local.CompressionMethod);
        Assert.Equal(2, e.CompressedSize);
        Assert.Equal(new byte[] { 0x03, 0x00 }, zip.AsSpan((int)e.DataOffset, 2).ToArray());
        Assert.Empty(ReadWithSystemIoCompression(zip)["empty.txt"]);
        using var inflated = new DeflateStream(new MemoryStream(zip, (int)e.DataOffset, 2), CompressionMode.Decompress);
        Assert.Equal(-1, inflated.ReadByte());
    }
}

/// <summary>Read-ahead passes on what its sources know: their time before opening, and what they tell when opened.</summary>
public sealed class ReadAheadMetadataTests
{
    [Fact]
    public async Task Prefetched_source_keeps_its_time_and_what_it_tells_when_opened()
    {
        var time = new DateTimeOffset(2022, 2, 2, 2, 2, 2, TimeSpan.Zero);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[100], TestContext.Current.CancellationToken);
            File.SetLastWriteTimeUtc(path, time.UtcDateTime);
            var told = EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new ForwardOnlyStream(new byte[7], 7, time)));
            var readAhead = ReadAhead.Create([new ArchiveItem(new ArchiveEntry("file"), EntrySource.FromFile(path)), new ArchiveItem(new ArchiveEntry("told"), told)], 2, 64 * 1024);
            await using (readAhead)
            {
                Assert.Equal(time, readAhead.Items[0].Source!.LastModified);
                await using var first = await readAhead.Items[0].Source!.OpenAsync(0, TestContext.Current.CancellationToken);
                await using var second = await readAhead.Items[1].Source!.OpenAsync(0, TestContext.Current.CancellationToken);
                var metadata = Assert.IsAssignableFrom<IEntrySourceMetadata>(second);
                Assert.Equal(7, metadata.Length);
                Assert.Equal(time, metadata.LastModified);
                Assert.Equal(100, Assert.IsAssignableFrom<IEntrySourceMetadata>(first).Length);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
