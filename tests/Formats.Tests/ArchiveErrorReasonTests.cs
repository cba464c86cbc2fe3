using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Every failure says which kind it is as data (<see cref="ArchiveException.Reason"/>), whatever its message.</summary>
public sealed class ArchiveErrorReasonTests
{
    private static async Task<ArchiveException> ZipFailsAsync(ArchiveEntry entry, EntrySource? source, ZipWriterOptions? options = null)
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream(), options ?? new ZipWriterOptions { Method = ZipCompressionMethod.Stored });
        return await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(entry, source));
    }

    [Theory]
    [InlineData(100, 99, ArchiveErrorReason.SourceTooShort)]
    [InlineData(100, 101, ArchiveErrorReason.SourceTooLong)]
    public async Task A_source_of_another_length_than_declared_says_which_way(long declared, long actual, ArchiveErrorReason reason)
    {
        var ex = await ZipFailsAsync(new ArchiveEntry("a.bin") { Length = declared }, EntrySource.FromStream(new SyntheticStream(actual)));
        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public async Task A_tar_source_ending_before_its_declared_length_is_too_short()
    {
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await tar.AddEntryAsync(new ArchiveEntry("a.bin") { Length = 1000 }, EntrySource.FromStream(new SyntheticStream(10))));
        Assert.Equal(ArchiveErrorReason.SourceTooShort, ex.Reason);
    }

    [Fact]
    public async Task A_declared_crc_that_is_not_the_content_s_is_a_crc_mismatch()
    {
        var ex = await ZipFailsAsync(new ArchiveEntry("a") { Length = 3, Crc32 = 0x12345678 }, EntrySource.FromBytes("abc"u8.ToArray()));
        Assert.Equal(ArchiveErrorReason.CrcMismatch, ex.Reason);
    }

    [Fact]
    public async Task A_source_that_cannot_be_opened_is_unavailable_and_one_failing_halfway_failed()
    {
        var open = await ZipFailsAsync(new ArchiveEntry("gone"), EntrySource.FromDelegate((_, _) => throw new FileNotFoundException("no such file")));
        Assert.Equal(ArchiveErrorReason.SourceUnavailable, open.Reason);
        var read = await ZipFailsAsync(new ArchiveEntry("half.bin"), EntrySource.FromStream(new SyntheticStream(1_000_000, failAfter: 300_000)));
        Assert.Equal(ArchiveErrorReason.SourceFailed, read.Reason);
    }

    [Fact]
    public async Task A_source_timing_out_is_a_timeout_when_opened_and_when_read()
    {
        var open = await ZipFailsAsync(new ArchiveEntry("slow"), EntrySource.FromDelegate((_, _) => throw new TimeoutException("no answer")));
        Assert.Equal(ArchiveErrorReason.Timeout, open.Reason);
        var read = await ZipFailsAsync(new ArchiveEntry("slow"), EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new ThrowingStream(new TimeoutException("no data")))));
        Assert.Equal(ArchiveErrorReason.Timeout, read.Reason);
    }

    [Fact]
    public async Task A_source_s_own_reason_passes_through_the_pump_as_an_archive_exception_s_or_as_a_mark()
    {
        var thrown = await ZipFailsAsync(new ArchiveEntry("own"), EntrySource.FromDelegate((_, _) =>
            ValueTask.FromResult<Stream>(new ThrowingStream(new ArchiveException(null, ArchiveErrorReason.MemberTooLarge, "too big")))));
        Assert.Equal(ArchiveErrorReason.MemberTooLarge, thrown.Reason);
        Assert.Equal("own", thrown.EntryName);
        var marked = await ZipFailsAsync(new ArchiveEntry("marked"), EntrySource.FromDelegate((_, _) =>
            throw new IOException("not here").WithReason(ArchiveErrorReason.OriginNotAllowed)));
        Assert.Equal(ArchiveErrorReason.OriginNotAllowed, marked.Reason);
        Assert.IsType<IOException>(marked.InnerException);
    }

    [Fact]
    public async Task What_a_format_cannot_hold_is_a_format_limit()
    {
        var fifo = await ZipFailsAsync(ArchiveEntry.Fifo("queue"), null);
        Assert.Equal(ArchiveErrorReason.FormatLimit, fifo.Reason);
        await using var tar = new TarArchiveWriter(new AsyncOnlyStream());
        var unknown = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await tar.AddEntryAsync(new ArchiveEntry("pipe.bin"), EntrySource.FromStream(new ForwardOnlyStream(new byte[10]))));
        Assert.Equal(ArchiveErrorReason.FormatLimit, unknown.Reason);
    }

    [Fact]
    public async Task A_range_of_an_archive_whose_length_depends_on_its_content_is_not_plannable_every_time_it_is_asked()
    {
        var plan = new ZipArchivePlan([new ArchiveItem(new ArchiveEntry("a.txt") { Length = 3 }, EntrySource.FromBytes("abc"u8.ToArray()))], new ZipWriterOptions { Method = ZipCompressionMethod.Deflate });
        for (var i = 0; i < 2; i++)
        {
            // The second answer comes from what the plan remembered of the first.
            var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await plan.WriteRangeAsync(new AsyncOnlyStream(), 0, 1));
            Assert.Equal(ArchiveErrorReason.NotPlannable, ex.Reason);
        }
    }

    [Fact]
    public async Task A_gzip_source_that_is_not_gzip_is_invalid()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddGzipEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromBytes(new byte[64])));
        Assert.Equal(ArchiveErrorReason.SourceInvalid, ex.Reason);
    }

    [Fact]
    public async Task An_output_failing_under_a_member_compressed_ahead_is_an_output_failure()
    {
        await using var zip = new ZipArchiveWriter(new FailingOutput(), new ZipWriterOptions { MaxDegreeOfParallelism = 2 });
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await zip.AddEntryAsync(new ArchiveEntry($"m{i}.bin"), EntrySource.FromBytes(SyntheticStream.Bytes(100 * 1024, seed: i, compressible: false)));
            }

            await zip.CompleteAsync();
        });
        Assert.Equal(ArchiveErrorReason.OutputFailed, ex.Reason);
    }

    [Fact]
    public async Task An_entry_stream_disposed_synchronously_fails_the_archive_as_not_finished()
    {
        await using var zip = new ZipArchiveWriter(new AsyncOnlyStream());
        var entry = await zip.OpenEntryAsync(new ArchiveEntry("pushed.txt"));
        await entry.WriteAsync("abc"u8.ToArray());
#pragma warning disable CA1849 // the synchronous Dispose is the misuse under test
        entry.Dispose();
#pragma warning restore CA1849
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await zip.CompleteAsync());
        Assert.Equal(ArchiveErrorReason.EntryNotFinished, Assert.IsType<ArchiveException>(ex.InnerException).Reason);
    }

    /// <summary>A stream whose first read throws <paramref name="error"/>.</summary>
    private sealed class ThrowingStream(Exception error) : Formats.Streaming.ReadOnlyStreamBase
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(error);

        public override int Read(byte[] buffer, int offset, int count) => throw error;
    }

    /// <summary>An output whose every write fails.</summary>
    private sealed class FailingOutput : AsyncOutputStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk full"));
    }
}
