using System.Text;
using Formats.Tar;
using Formats.Testing;
using Formats.Zip;
using static Formats.Testing.TarTestHelpers;

namespace Formats.Tests;

/// <summary>Sparse files as GNU sparse 1.0 members: the map in pax and at the start of the data, then the data regions alone.</summary>
public sealed class TarSparseTests : IDisposable
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-sparse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Bytes(int length, int seed) => SyntheticStream.Bytes(length, seed);

    [Fact]
    public async Task Declared_map_writes_gnu_sparse_1_0_keys_the_sparse_name_the_map_then_only_the_data()
    {
        var first = Bytes(1000, 1);
        var second = Bytes(300, 2);
        var map = new SparseMap([new(0, 1000), new(1_000_000, 300)], 1_000_300);
        var tar = await WriteTarAsync(t => t.AddEntryAsync(new ArchiveEntry("dir/disk.img") { LastModified = Time }, EntrySource.WithSparseMap(EntrySource.FromBytes(first.Concat(second).ToArray()), map)).AsTask());

        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Equal("1", m.Pax["GNU.sparse.major"]);
        Assert.Equal("0", m.Pax["GNU.sparse.minor"]);
        Assert.Equal("dir/disk.img", m.Pax["GNU.sparse.name"]);
        Assert.Equal("1000300", m.Pax["GNU.sparse.realsize"]);
        Assert.Equal("dir/GNUSparseFile.0/disk.img", m.Path);
        Assert.Equal((byte)'0', m.Header.TypeFlag);
        Assert.Equal(512 + 1300, m.Header.Size);

        var data = tar.AsSpan((int)m.DataOffset, (int)m.Header.Size);
        var mapText = "2\n0\n1000\n1000000\n300\n";
        Assert.Equal(mapText, Encoding.ASCII.GetString(data[..mapText.Length]));
        Assert.False(data[mapText.Length..512].ContainsAnyExcept((byte)0));
        Assert.Equal([.. first, .. second], data[512..].ToArray());
    }

    [Fact]
    public async Task File_ending_in_a_hole_gets_a_last_region_of_length_zero_at_its_real_size()
    {
        var map = new SparseMap([new(4096, 10)], 1 << 20);
        var tar = await WriteTarAsync(t => t.AddEntryAsync(new ArchiveEntry("f") { LastModified = Time }, EntrySource.WithSparseMap(EntrySource.FromBytes(Bytes(10, 3)), map)).AsTask());
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Equal("GNUSparseFile.0/f", m.Path);
        Assert.StartsWith("2\n4096\n10\n1048576\n0\n\0", Encoding.ASCII.GetString(tar, (int)m.DataOffset, 512), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_without_holes_is_written_as_an_ordinary_file()
    {
        var content = Bytes(5000, 4);
        var tar = await WriteTarAsync(t => t.AddEntryAsync(new ArchiveEntry("f") { LastModified = Time }, EntrySource.WithSparseMap(EntrySource.FromBytes(content), new SparseMap([new(0, 5000)], 5000))).AsTask());
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Empty(m.Pax);
        Assert.Equal(content, Assert.Single(ReadWithTarReader(tar)).Content);
    }

    [Fact]
    public void Map_regions_must_be_in_order_apart_and_inside_the_file()
    {
        Assert.Throws<ArgumentException>(() => new SparseMap([new(0, 10), new(5, 10)], 100));
        Assert.Throws<ArgumentException>(() => new SparseMap([new(90, 20)], 100));
        Assert.Throws<ArgumentException>(() => new SparseMap([new(-1, 2)], 100));
        Assert.Throws<ArgumentException>(() => EntrySource.WithSparseMap(EntrySource.FromBytes(new byte[3]), new SparseMap([new(0, 10)], 100)));
    }

    [Fact]
    public async Task Declared_length_other_than_the_real_size_is_refused()
    {
        await using var tar = new TarArchiveWriter(new MemoryStream());
        var source = EntrySource.WithSparseMap(EntrySource.FromBytes(new byte[10]), new SparseMap([new(0, 10)], 100));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => tar.AddEntryAsync(ArchiveEntry.File("f", length: 10), source).AsTask());
        Assert.Contains("sparse map is of a file of 100 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_delivering_fewer_bytes_than_its_map_fails_the_archive_without_end_blocks()
    {
        var map = new SparseMap([new(0, 1000)], 5000);
        var source = EntrySource.WithSparseMap(EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new MemoryStream(new byte[600]))), map);
        var output = new MemoryStream();
        await using (var tar = new TarArchiveWriter(output))
        {
            var error = await Assert.ThrowsAsync<ArchiveException>(() => tar.AddEntryAsync(new ArchiveEntry("f"), source).AsTask());
            Assert.Contains("600 bytes, but the declared length is 1000", error.Message, StringComparison.Ordinal);
        }

        Assert.True(output.Length < 10240, "no end blocks after a failed entry");
    }

    [Fact]
    public void Sparse_file_source_finds_the_data_regions_with_seek_data()
    {
        var path = Path.Combine(_dir, "f");
        SparseFiles.Create(path, 64L << 20, (0, Bytes(4096, 5)), (32L << 20, Bytes(8192, 6)));
        var map = EntrySource.FromSparseFile(path).SparseMap;
        Assert.NotNull(map);
        Assert.Equal(64L << 20, map.RealSize);
        Assert.Equal([new SparseRegion(0, 4096), new SparseRegion(32L << 20, 8192)], map.Regions);
    }

    [Fact]
    public async Task Sparse_file_of_a_gibibyte_is_written_as_its_data_and_reads_back_through_the_declared_regions()
    {
        var path = Path.Combine(_dir, "big");
        var a = Bytes(65536, 7);
        var b = Bytes(4096, 8);
        SparseFiles.Create(path, 1L << 30, (1L << 20, a), ((1L << 30) - 4096, b));
        var tar = await WriteTarAsync(t => t.AddEntryAsync(new ArchiveEntry("big") { LastModified = Time }, EntrySource.FromSparseFile(path)).AsTask());
        Assert.True(tar.Length < 100_000, $"archive of {tar.Length} bytes for 69632 bytes of data");
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Equal("1073741824", m.Pax["GNU.sparse.realsize"]);
        Assert.Equal([.. a, .. b], tar.AsSpan((int)m.DataOffset + 512, a.Length + b.Length).ToArray());
    }

    [Fact]
    public void File_without_holes_is_an_ordinary_file_source()
    {
        var path = Path.Combine(_dir, "full");
        File.WriteAllBytes(path, Bytes(10_000, 9));
        Assert.Null(EntrySource.FromSparseFile(path).SparseMap);
    }

    [Fact]
    public async Task Holes_filled_after_the_map_was_read_fail_the_archive_before_its_header()
    {
        var path = Path.Combine(_dir, "changing");
        SparseFiles.Create(path, 16L << 20, (0, Bytes(4096, 10)));
        var source = EntrySource.FromSparseFile(path);
        SparseFiles.WriteAt(path, 8L << 20, Bytes(4096, 11));

        var output = new MemoryStream();
        await using (var tar = new TarArchiveWriter(output))
        {
            var error = await Assert.ThrowsAsync<ArchiveException>(() => tar.AddEntryAsync(new ArchiveEntry("changing"), source).AsTask());
            Assert.Equal("changing", error.EntryName);
            Assert.Contains("changed since its sparse map was read", error.Message, StringComparison.Ordinal);
        }

        // Only the writer's abort marker (one block announcing records that never come): no header of the entry.
        Assert.Equal(512, output.Length);
        Assert.DoesNotContain("GNUSparseFile", Encoding.ASCII.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Holes_filled_while_the_file_is_read_fail_at_its_end_instead_of_ending()
    {
        var path = Path.Combine(_dir, "changing");
        SparseFiles.Create(path, 16L << 20, (0, Bytes(4096, 12)), (4L << 20, Bytes(4096, 13)));
        var source = EntrySource.FromSparseFile(path);
        await using var stream = await source.OpenAsync(0, CancellationToken.None);
        var buffer = new byte[4096];
        await stream.ReadExactlyAsync(buffer);
        SparseFiles.WriteAt(path, 12L << 20, Bytes(4096, 14));
        await stream.ReadExactlyAsync(buffer);
        var error = await Assert.ThrowsAsync<IOException>(async () => await stream.ReadExactlyAsync(buffer));
        Assert.Contains("changed since its sparse map was read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_predicts_a_sparse_archive_and_its_ranges_are_the_whole_archive_s_bytes()
    {
        var path = Path.Combine(_dir, "f");
        SparseFiles.Create(path, 256L << 20, (64L << 20, Bytes(40_000, 15)), (200L << 20, Bytes(4096, 16)));
        var plan = new TarArchivePlan([new ArchiveItem(new ArchiveEntry("f") { LastModified = Time }, EntrySource.FromSparseFile(path))]);
        var whole = new MemoryStream();
        await plan.WriteAsync(whole);
        Assert.Equal(whole.Length, (await plan.PredictRangeableLengthAsync()).Length);
        foreach (var (start, end) in new[] { (0L, 700L), (1000L, 1100L), (1500L, 30_000L), (40_000L, whole.Length) })
        {
            var range = new MemoryStream();
            await plan.WriteRangeAsync(range, start, end);
            Assert.Equal(whole.ToArray()[(int)start..(int)end], range.ToArray());
        }
    }

    [Fact]
    public async Task Zip_refuses_a_sparse_source_naming_the_entry()
    {
        var source = EntrySource.WithSparseMap(EntrySource.FromBytes(new byte[10]), new SparseMap([new(0, 10)], 100));
        var output = new MemoryStream();
        await using var zip = new ZipArchiveWriter(output);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => zip.AddEntryAsync(new ArchiveEntry("f"), source).AsTask());
        Assert.Equal("f", error.EntryName);
        Assert.Contains("zip has no sparse members", error.Message, StringComparison.Ordinal);
    }
}
