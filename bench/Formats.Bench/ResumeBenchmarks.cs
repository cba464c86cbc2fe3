using BenchmarkDotNet.Attributes;
using Formats.Zip;

namespace Formats.Bench;

/// <summary>
/// Time to the first byte of a resume: the first byte at 90% of a 1 GiB stored zip of 64 members that declare no
/// CRC-32, with the CRC-32 store cold (every member before the cut is read for its checksum) and warm (a full download
/// remembered them all). Members come from memory, each with an identity of its own.
/// </summary>
[Config(typeof(BenchConfig))]
public class Resume
{
    private const int Members = 64;

    private static readonly long MemberBytes = Data.Scaled(16L * 1024 * 1024);

    private readonly byte[] _content = Data.Random(MemberBytes, 11);
    private MemoryCrcStore _warm = null!;
    private long _cut;

    private ZipArchivePlan Plan(ICrcStore store) => new(
        Enumerable.Range(0, Members).Select(i => new ArchiveItem(
            new ArchiveEntry($"member-{i:D2}.bin") { Length = MemberBytes, LastModified = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            new NamedSource(_content, $"bench:{i}"))),
        new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = store });

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _warm = new MemoryCrcStore();
        var plan = Plan(_warm);
        var length = (await plan.PredictRangeableLengthAsync()).Length!.Value;
        _cut = length * 9 / 10;
        await plan.WriteAsync(Stream.Null);
    }

    [Benchmark(Baseline = true, Description = "cold store")]
    public Task Cold() => Plan(new MemoryCrcStore()).WriteRangeAsync(Stream.Null, _cut, _cut + 1).AsTask();

    [Benchmark(Description = "warm store")]
    public Task Warm() => Plan(_warm).WriteRangeAsync(Stream.Null, _cut, _cut + 1).AsTask();

    /// <summary>Bytes in memory with an identity, told by the streams it opens too (so a full write remembers its CRC-32).</summary>
    private sealed class NamedSource(byte[] content, string identity) : EntrySource
    {
        public override long? Length => content.Length;

        public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(identity);

        public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Stream>(new NamedStream(content, offset, identity));
    }

    private sealed class NamedStream(byte[] content, long offset, string identity) : MemoryStream(content, (int)offset, content.Length - (int)offset, writable: false), IEntrySourceMetadata
    {
        long? IEntrySourceMetadata.Length => Length;

        DateTimeOffset? IEntrySourceMetadata.LastModified => null;

        string? IEntrySourceMetadata.Identity => identity;
    }
}
