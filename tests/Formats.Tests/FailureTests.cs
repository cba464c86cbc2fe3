using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>Whatever goes wrong, the output never gets end records, the error names the entry, and the sink stays failed.</summary>
public sealed class FailureTests
{
    [Theory]
    [InlineData(ZipCompressionMethod.Stored, 100, 99)]
    [InlineData(ZipCompressionMethod.Stored, 100, 101)]
    [InlineData(ZipCompressionMethod.Deflate, 100_000, 70_000)]
    [InlineData(ZipCompressionMethod.Deflate, 100_000, 200_000)]
    public async Task Source_delivering_another_length_than_declared_aborts_the_archive(ZipCompressionMethod method, long declared, long actual)
    {
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = method });
        await zip.AddEntryAsync(new ArchiveEntry("ok.txt"), EntrySource.FromBytes("fine"u8.ToArray()));
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddEntryAsync(new ArchiveEntry("bad.bin") { Length = declared }, EntrySource.FromStream(new SyntheticStream(actual))));
        Assert.Equal("bad.bin", ex.EntryName);
        Assert.Contains($"{declared}", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.CompleteAsync());
        await zip.DisposeAsync();
        Assert.False(ContainsCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task Declared_crc_that_does_not_match_the_content_aborts_the_archive()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddEntryAsync(new ArchiveEntry("a") { Length = 3, Crc32 = 0x12345678 }, EntrySource.FromBytes("abc"u8.ToArray())));
        Assert.Contains("0x12345678", ex.Message, StringComparison.Ordinal);
        Assert.Equal("a", ex.EntryName);
    }

    [Fact]
    public async Task Source_that_throws_halfway_aborts_with_the_entry_name_and_no_end_records()
    {
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output);
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddEntryAsync(new ArchiveEntry("half.bin"), EntrySource.FromStream(new SyntheticStream(1_000_000, failAfter: 300_000))));
        Assert.Equal("half.bin", ex.EntryName);
        Assert.Contains("source failed after", ex.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(ex.InnerException);
        var again = await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.AddEntryAsync(new ArchiveEntry("next")));
        Assert.Contains("failed earlier", again.Message, StringComparison.Ordinal);
        await zip.DisposeAsync();
        Assert.False(ContainsCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task Source_that_cannot_be_opened_fails_with_the_entry_name()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddEntryAsync(new ArchiveEntry("gone"), EntrySource.FromDelegate((_, _) => throw new FileNotFoundException("no such file"))));
        Assert.Equal("gone", ex.EntryName);
        Assert.Contains("could not be opened", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_are_opened_only_when_their_turn_comes()
    {
        var opened = new List<string>();
        EntrySource Source(string name) => EntrySource.FromDelegate((offset, _) =>
        {
            Assert.Equal(0, offset);
            opened.Add(name);
            return ValueTask.FromResult<Stream>(new MemoryStream("x"u8.ToArray()));
        });

        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var sources = new[] { "a", "b", "c" }.ToDictionary(n => n, Source);
        Assert.Empty(opened);
        await zip.AddEntryAsync(new ArchiveEntry("a"), sources["a"]);
        Assert.Equal(["a"], opened);
        await zip.AddEntryAsync(new ArchiveEntry("b"), sources["b"]);
        Assert.Equal(["a", "b"], opened);
    }

    [Fact]
    public async Task Cancellation_stops_the_entry_and_fails_the_sink()
    {
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output);
        using var cts = new CancellationTokenSource();
        var source = EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new CancelingStream(cts, afterBytes: 200_000)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await zip.AddEntryAsync(new ArchiveEntry("slow"), source, cts.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.CompleteAsync());
        await zip.DisposeAsync();
        Assert.False(ContainsCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task Disposing_without_completing_writes_no_end_records()
    {
        var output = new AsyncOnlyStream();
        await using (var zip = new ZipArchiveWriter(output))
        {
            await zip.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromBytes(SyntheticStream.Bytes(300_000)));
        }

        Assert.False(ContainsCentralDirectory(output.ToArray()));
    }

    [Fact]
    public async Task Pushed_entry_shorter_than_declared_fails_when_its_stream_is_disposed()
    {
        var output = new AsyncOnlyStream();
        var zip = new ZipArchiveWriter(output);
        var stream = await zip.OpenEntryAsync(new ArchiveEntry("p") { Length = 10 });
        await stream.WriteAsync("12345"u8.ToArray());
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await stream.DisposeAsync());
        Assert.Equal("p", ex.EntryName);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.CompleteAsync());
    }

    [Fact]
    public async Task Synchronous_write_to_a_pushed_entry_is_refused()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        await using var stream = await zip.OpenEntryAsync(new ArchiveEntry("p"));
        Assert.Throws<InvalidOperationException>(() => stream.Write("x"u8));
    }

    [Fact]
    public async Task Adding_an_entry_while_another_is_open_is_refused()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        await using var stream = await zip.OpenEntryAsync(new ArchiveEntry("p"));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.AddEntryAsync(new ArchiveEntry("q")));
    }

    [Fact]
    public async Task Output_that_refuses_synchronous_io_receives_a_whole_archive_of_every_method()
    {
        foreach (var method in Enum.GetValues<ZipCompressionMethod>())
        {
            var output = new AsyncOnlyStream();
            await using (var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = method }))
            {
                for (var i = 0; i < 5; i++)
                {
                    await zip.AddEntryAsync(new ArchiveEntry($"f{i}.bin"), EntrySource.FromStream(new SyntheticStream(400_000, seed: i, compressible: i % 2 == 0)));
                }

                await zip.CompleteAsync();
            }

            Assert.True(output.AsyncWrites > 1);
            Assert.Equal(5, ZipInspector.Inspect(output.ToArray()).Entries.Count);
        }
    }

    private sealed class CancelingStream(CancellationTokenSource cts, long afterBytes) : Stream
    {
        private readonly SyntheticStream _inner = new(long.MaxValue / 2);
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= afterBytes)
            {
                await cts.CancelAsync();
            }

            cancellationToken.ThrowIfCancellationRequested();
            var n = await _inner.ReadAsync(buffer, cancellationToken);
            _read += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
