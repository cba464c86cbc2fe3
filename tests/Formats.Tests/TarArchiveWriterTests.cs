using System.Formats.Tar;
using System.Text;
using Formats.Tar;
using Formats.Zip;
using static Formats.Testing.TarTestHelpers;

namespace Formats.Tests;

public sealed class TarArchiveWriterTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static Task<byte[]> One(ArchiveEntry entry, byte[]? content = null, TarWriterOptions? options = null) =>
        WriteTarAsync(t => t.AddEntryAsync(entry, content is null ? null : EntrySource.FromBytes(content)).AsTask(), options);

    [Theory]
    [InlineData(99)]
    [InlineData(100)]
    public async Task Names_of_up_to_100_bytes_fit_the_name_field_without_pax(int length)
    {
        var name = new string('n', length);
        var members = TarInspector.Inspect(await One(new ArchiveEntry(name) { LastModified = Time }));
        Assert.Empty(members[0].Pax);
        Assert.Equal(name, members[0].Path);
        Assert.Equal(0, members[0].Header.Prefix.Length);
    }

    [Fact]
    public async Task Name_of_101_bytes_with_a_slash_is_split_into_prefix_and_name()
    {
        var name = new string('p', 50) + "/" + new string('n', 50);
        var tar = await One(new ArchiveEntry(name) { LastModified = Time });
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Empty(m.Pax);
        Assert.Equal(50, m.Header.Prefix.Length);
        Assert.Equal(name, Assert.Single(ReadWithTarReader(tar)).Name);
    }

    [Theory]
    [InlineData(155, false)]
    [InlineData(156, true)]
    public async Task Prefix_of_155_bytes_fits_and_156_needs_pax(int prefixLength, bool pax)
    {
        var name = new string('p', prefixLength) + "/" + new string('n', 90);
        var tar = await One(new ArchiveEntry(name) { LastModified = Time });
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Equal(pax, m.Pax.ContainsKey("path"));
        Assert.Equal(name, m.Path);
        Assert.Equal(name, Assert.Single(ReadWithTarReader(tar)).Name);
    }

    [Fact]
    public async Task Name_of_300_bytes_and_a_long_name_without_slash_go_to_pax_path()
    {
        var deep = string.Join('/', Enumerable.Range(0, 40).Select(i => $"segment{i:D2}"));
        var flat = new string('f', 150);
        var tar = await WriteTarAsync(async t =>
        {
            await t.AddEntryAsync(new ArchiveEntry(deep[..300].TrimEnd('/')) { LastModified = Time });
            await t.AddEntryAsync(new ArchiveEntry(flat) { LastModified = Time });
        });
        var members = TarInspector.Inspect(tar);
        Assert.All(members, m => Assert.True(m.Pax.ContainsKey("path")));
        Assert.Equal("PaxHeaders/" + flat[..89], members[1].PaxBlockName);
        Assert.Equal([deep[..300].TrimEnd('/'), flat], ReadWithTarReader(tar).Select(e => e.Name));
    }

    [Fact]
    public async Task Non_ascii_name_and_link_target_go_to_pax_and_the_pax_block_is_named_in_ascii()
    {
        var tar = await WriteTarAsync(async t =>
        {
            await t.AddEntryAsync(new ArchiveEntry("données/résumé.txt") { LastModified = Time });
            await t.AddEntryAsync(ArchiveEntry.SymbolicLink("données/lien", "résumé.txt", Time));
        });
        var members = TarInspector.Inspect(tar);
        Assert.Equal("données/résumé.txt", members[0].Pax["path"]);
        Assert.Equal("donn_es/PaxHeaders/r_sum_.txt", members[0].PaxBlockName);
        Assert.Equal("résumé.txt", members[1].Pax["linkpath"]);
        var read = ReadWithTarReader(tar);
        Assert.Equal("données/lien", read[1].Name);
        Assert.Equal("résumé.txt", read[1].LinkName);
        Assert.Equal(TarEntryType.SymbolicLink, read[1].Type);
    }

    [Theory]
    [InlineData(1969, 7, 20, 0)]
    [InlineData(1900, 1, 1, 0)]
    [InlineData(2243, 1, 1, 0)]
    [InlineData(2024, 1, 1, 5_000_000)]
    public async Task Times_before_1970_past_2242_or_with_a_fraction_go_to_pax_mtime(int year, int month, int day, long extraTicks)
    {
        var time = new DateTimeOffset(year, month, day, 1, 2, 3, TimeSpan.Zero).AddTicks(extraTicks);
        var tar = await One(new ArchiveEntry("t") { LastModified = time });
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Equal(PaxExtendedHeader.FormatTime(time), m.Pax["mtime"]);
        Assert.Equal(Math.Clamp(time.ToUnixTimeSeconds(), 0, 8L * 1024 * 1024 * 1024 - 1), m.Header.Mtime);
        Assert.Equal(time, Assert.Single(ReadWithTarReader(tar)).Modified);
    }

    [Fact]
    public async Task Whole_second_time_in_the_octal_range_needs_no_pax()
    {
        var m = Assert.Single(TarInspector.Inspect(await One(new ArchiveEntry("t") { LastModified = Time })));
        Assert.Empty(m.Pax);
        Assert.Equal(Time.ToUnixTimeSeconds(), m.Header.Mtime);
    }

    [Fact]
    public async Task Uid_of_2097152_and_long_owner_names_go_to_pax()
    {
        var entry = new ArchiveEntry("o") { LastModified = Time, UserId = 2_097_152, GroupId = 2_097_151, UserName = new string('u', 33), GroupName = "grüppe" };
        var tar = await One(entry);
        var m = Assert.Single(TarInspector.Inspect(tar));
        Assert.Equal("2097152", m.Pax["uid"]);
        Assert.False(m.Pax.ContainsKey("gid"));
        Assert.Equal(new string('u', 33), m.Pax["uname"]);
        Assert.Equal("grüppe", m.Pax["gname"]);
        var read = Assert.Single(ReadWithTarReader(tar));
        Assert.Equal((2_097_152, 2_097_151), (read.Uid, read.Gid));
        Assert.Equal(new string('u', 33), read.UserName);
    }

    [Fact]
    public async Task Kinds_modes_and_hard_links_are_written_with_their_type_flags()
    {
        var content = SyntheticStream.Bytes(1000);
        var tar = await WriteTarAsync(async t =>
        {
            await t.AddEntryAsync(ArchiveEntry.Directory("d", Time));
            await t.AddEntryAsync(new ArchiveEntry("d/f") { LastModified = Time, Mode = (UnixFileMode)0b111_101_000 }, EntrySource.FromBytes(content));
            await t.AddEntryAsync(ArchiveEntry.HardLink("d/hard", "d/f", Time));
            await t.AddEntryAsync(ArchiveEntry.SymbolicLink("d/soft", "f", Time));
        });
        var read = ReadWithTarReader(tar);
        Assert.Equal(["d/", "d/f", "d/hard", "d/soft"], read.Select(e => e.Name));
        Assert.Equal([TarEntryType.Directory, TarEntryType.RegularFile, TarEntryType.HardLink, TarEntryType.SymbolicLink], read.Select(e => e.Type));
        Assert.Equal([0b111_101_101, 0b111_101_000, 0b110_100_100, 0b111_111_111], read.Select(e => e.Mode));
        Assert.Equal(content, read[1].Content);
        Assert.Equal("d/f", read[2].LinkName);
    }

    [Fact]
    public async Task Archive_ends_with_two_zero_blocks_and_fills_a_10240_byte_record()
    {
        var tar = await One(new ArchiveEntry("a") { LastModified = Time }, SyntheticStream.Bytes(10_000));
        Assert.Equal(20480, tar.Length);
        Assert.Single(TarInspector.Inspect(tar));
    }

    [Theory]
    [InlineData(TarCompression.None)]
    [InlineData(TarCompression.Gzip)]
    [InlineData(TarCompression.Zstandard)]
    public async Task Same_entries_and_options_give_byte_identical_output(TarCompression compression)
    {
        async Task<byte[]> Build() => await WriteTarAsync(async t =>
        {
            await t.AddEntryAsync(new ArchiveEntry("a.txt") { LastModified = Time }, EntrySource.FromBytes(SyntheticStream.Bytes(100_000)));
            await t.AddEntryAsync(new ArchiveEntry("b.bin") { LastModified = Time.AddTicks(1234) }, EntrySource.FromStream(new MemoryStream(SyntheticStream.Bytes(3000, 1, false))));
        }, new TarWriterOptions { Compression = compression });
        var first = await Build();
        Assert.Equal(first, await Build());
        Assert.Equal(2, ReadWithTarReader(Decompress(first, compression)).Count);
    }

    [Fact]
    public async Task Entry_whose_opened_source_does_not_tell_its_length_is_refused_before_any_byte_naming_zip()
    {
        var output = new AsyncOnlyStream();
        await using var tar = new TarArchiveWriter(output);
        var source = EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new SyntheticStream(10)));
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await tar.AddEntryAsync(new ArchiveEntry("stream.log"), source));
        Assert.Equal("stream.log", ex.EntryName);
        Assert.Contains("zip can stream", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, tar.BytesWritten);
        await Assert.ThrowsAsync<ArchiveException>(async () => await new TarArchiveWriter(new AsyncOnlyStream()).OpenEntryAsync(new ArchiveEntry("pushed")));
    }

    [Fact]
    public async Task Entry_whose_source_tells_its_length_when_opened_is_written()
    {
        var output = new AsyncOnlyStream();
        var opened = false;
        var source = EntrySource.FromDelegate((_, _) =>
        {
            opened = true;
            return ValueTask.FromResult<Stream>(new MemoryStream("hello"u8.ToArray()));
        });
        await using (var tar = new TarArchiveWriter(output))
        {
            Assert.Equal(0, tar.BytesWritten);
            await tar.AddEntryAsync(new ArchiveEntry("known-at-open.txt") { LastModified = Time }, source);
            await tar.CompleteAsync();
        }

        Assert.True(opened);
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(output.ToArray()));
        var entry = reader.GetNextEntry()!;
        Assert.Equal("known-at-open.txt", entry.Name);
        Assert.Equal(5, entry.Length);
    }

    [Theory]
    [InlineData(TarCompression.None, 100_000, 99_999)]
    [InlineData(TarCompression.Gzip, 100_000, 100_001)]
    [InlineData(TarCompression.Zstandard, 100_000, 50_000)]
    public async Task Source_with_another_length_than_declared_aborts_without_end_blocks_or_compression_trailer(TarCompression compression, long declared, long actual)
    {
        var output = new AsyncOnlyStream();
        var tar = new TarArchiveWriter(output, new TarWriterOptions { Compression = compression });
        await tar.AddEntryAsync(new ArchiveEntry("ok") { LastModified = Time }, EntrySource.FromBytes(SyntheticStream.Bytes(5000)));
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await tar.AddEntryAsync(new ArchiveEntry("bad") { Length = declared }, EntrySource.FromStream(new SyntheticStream(actual))));
        Assert.Equal("bad", ex.EntryName);
        await tar.DisposeAsync();
        var bytes = output.ToArray();
        Assert.ThrowsAny<Exception>(() => ReadWithTarReaderToEnd(bytes, compression));
    }

    [Fact]
    public async Task Source_that_throws_halfway_aborts_with_the_entry_name()
    {
        var output = new AsyncOnlyStream();
        var tar = new TarArchiveWriter(output);
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await tar.AddEntryAsync(new ArchiveEntry("half") { Length = 1_000_000 }, EntrySource.FromStream(new SyntheticStream(1_000_000, failAfter: 400_000))));
        Assert.Equal("half", ex.EntryName);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await tar.CompleteAsync());
        await tar.DisposeAsync();
        Assert.ThrowsAny<Exception>(() => TarInspector.Inspect(output.ToArray()));
    }

    [Fact]
    public async Task Cancellation_fails_the_tar_sink()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await tar.AddEntryAsync(new ArchiveEntry("c") { Length = 10 }, EntrySource.FromBytes(new byte[10]), cts.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await tar.CompleteAsync());
    }

    [Fact]
    public async Task Hard_link_to_an_entry_that_is_not_an_earlier_file_is_refused()
    {
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        await tar.AddEntryAsync(ArchiveEntry.Directory("d"));
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await tar.AddEntryAsync(ArchiveEntry.HardLink("h", "d")));
        Assert.Equal(EntryNameRule.LinkEscapesArchive, ex.Rule);
    }

    [Fact]
    public async Task Zip_refuses_a_hard_link_before_writing_it()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        await zip.AddEntryAsync(new ArchiveEntry("f"));
        var before = zip.BytesWritten;
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(ArchiveEntry.HardLink("h", "f")));
        Assert.Contains("hard link", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, zip.BytesWritten);
    }

    [Fact]
    public async Task Tar_applies_the_same_name_policy_as_zip()
    {
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<InvalidEntryNameException>(async () => await tar.AddEntryAsync(new ArchiveEntry("../etc/passwd")));
        Assert.Equal(EntryNameRule.DotDotSegment, ex.Rule);
    }

    [Fact]
    public async Task Pushed_entry_with_a_declared_length_is_written()
    {
        var tar = await WriteTarAsync(async t =>
        {
            await using var s = await t.OpenEntryAsync(new ArchiveEntry("p") { Length = 11, LastModified = Time });
            await s.WriteAsync(Encoding.ASCII.GetBytes("hello world"));
        });
        Assert.Equal("hello world"u8.ToArray(), Assert.Single(ReadWithTarReader(tar)).Content);
    }

    private static void ReadWithTarReaderToEnd(byte[] bytes, TarCompression compression)
    {
        var plain = Decompress(bytes, compression);
        TarInspector.Inspect(plain);
    }
}
