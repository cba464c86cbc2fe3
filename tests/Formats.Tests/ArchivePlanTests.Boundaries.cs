using System.IO.Hashing;
using Formats.Tar;
using Formats.Zip;

namespace Formats.Tests;

/// <summary>Predicted lengths at the real boundaries: the entry count of the end record, 4 GiB members and a central directory beyond 4 GiB.</summary>
public sealed partial class ArchivePlanTests
{
    [Theory]
    [InlineData(65_534)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    public async Task Predicted_length_holds_at_the_entry_count_boundary(int count)
    {
        var items = Enumerable.Range(0, count).Select(i => new ArchiveItem(new ArchiveEntry($"f{i}") { Length = 0, LastModified = Time })).ToList();
        var plan = new ZipArchivePlan(items, Stored);
        Assert.Equal((await Full(plan)).Length, (await plan.PredictLengthAsync()).Length);
    }

    [Theory]
    [InlineData(0xFFFFFFFEL, true)]
    [InlineData(0xFFFFFFFFL, true)]
    [InlineData(0x100000000L, true)]
    [InlineData(0xFFFFFFFFL, false)]
    public async Task Predicted_length_holds_for_entries_at_the_4GiB_edges_and_a_central_directory_beyond_4GiB(long length, bool crc)
    {
        // Written in full to a counting sink: the second entry's header and the central directory lie beyond 4 GiB.
        var items = new List<ArchiveItem>
        {
            new(new ArchiveEntry("big") { Length = length, LastModified = Time, Crc32 = crc ? await ZeroCrcAsync(length) : null }, EntrySource.FromDelegate((o, _) => ValueTask.FromResult<Stream>(new ZeroStream(length - o)), length)),
            new(new ArchiveEntry("after") { Length = 3, LastModified = Time, Crc32 = crc ? Crc32.HashToUInt32("abc"u8) : null }, EntrySource.FromBytes("abc"u8.ToArray())),
        };
        var plan = new ZipArchivePlan(items, Stored);
        var predicted = await plan.PredictLengthAsync();
        var sink = new CountingStream();
        await plan.WriteAsync(sink);
        Assert.Equal(sink.Count, predicted.Length);
        Assert.True(sink.Count > 0x100000000L);
    }

    private static readonly Dictionary<long, uint> ZeroCrcs = [];

    private static async Task<uint> ZeroCrcAsync(long length)
    {
        lock (ZeroCrcs)
        {
            if (ZeroCrcs.TryGetValue(length, out var known))
            {
                return known;
            }
        }

        var crc = new Crc32();
        var buffer = new byte[1 << 20];
        for (var left = length; left > 0; left -= buffer.Length)
        {
            crc.Append(buffer.AsSpan(0, (int)Math.Min(buffer.Length, left)));
        }

        await Task.Yield();
        var value = crc.GetCurrentHashAsUInt32();
        lock (ZeroCrcs)
        {
            ZeroCrcs[length] = value;
        }

        return value;
    }

    /// <summary>Zeros, quickly, as a source of any length.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, _left);
            buffer[..n].Clear();
            _left -= n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
