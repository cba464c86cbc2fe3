using System.Buffers.Binary;
using Formats.Zip;

namespace Formats.Cli.Tests;

/// <summary>
/// One path for CRC-32s (issue 24, item 5): the command's first pass and the zip writer (whose ranges and writes serve
/// and the gateway run through ArchiveResult) look CRC-32s up and remember them through Formats.Zip's one
/// implementation, with the same keys, so what either computed spares the other a read.
/// </summary>
public sealed class CliCrcPathTests : CliTestBase
{
    private static readonly DateTimeOffset Time = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ZipWriterOptions Stored(ICrcStore? store) => new() { Method = ZipCompressionMethod.Stored, CrcStore = store };

    private (string Path, byte[] Bytes) MakeFile()
    {
        var bytes = SyntheticStream.Bytes(300_000, 7, compressible: false);
        var path = Path.Combine(Dir, "a.bin");
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }

    /// <summary>A file source that counts its openings.</summary>
    private sealed class CountingSource(string path) : EntrySource
    {
        private readonly EntrySource _inner = FromFile(path);

        public int Opens { get; private set; }

        public override long? Length => _inner.Length;

        public override DateTimeOffset? LastModified => _inner.LastModified;

        public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => _inner.GetIdentityAsync(cancellationToken);

        public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
        {
            Opens++;
            return _inner.OpenAsync(offset, cancellationToken);
        }
    }

    private static async Task<uint> FirstPassAsync(CountingSource source, ICrcStore? store)
    {
        var entry = new ArchiveEntry("a.bin") { Length = source.Length, LastModified = Time };
        var items = await ArchiveCommand.WithCrcsAsync([new PlannedEntry(entry, source)], CancellationToken.None, crcStore: store);
        return Assert.Single(items).Entry.Crc32!.Value;
    }

    /// <summary>
    /// What follows the member's data in a stored zip of the file without a declared CRC-32 (its data descriptor and the
    /// central directory, which both hold the CRC-32): a range that needs the CRC-32 and none of the data.
    /// </summary>
    private static async Task<byte[]> AfterTheDataAsync(string path, byte[] bytes, CountingSource source, ICrcStore store)
    {
        ZipArchivePlan Plan(EntrySource s, ICrcStore? st) => new([new ArchiveItem(new ArchiveEntry("a.bin") { Length = bytes.Length, LastModified = Time }, s)], Stored(st));
        var whole = new MemoryStream();
        await Plan(EntrySource.FromFile(path), null).WriteAsync(whole, CancellationToken.None);
        var dataEnd = whole.ToArray().AsSpan().IndexOf(bytes.AsSpan(bytes.Length - 64)) + 64;
        var output = new MemoryStream();
        await Plan(source, store).WriteRangeAsync(output, dataEnd, whole.Length);
        return output.ToArray();
    }

    private static bool Holds(byte[] bytes, uint crc)
    {
        var field = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(field, crc);
        return bytes.AsSpan().IndexOf(field) >= 0;
    }

    [Fact]
    public async Task The_first_pass_computes_System_IO_Hashing_s_crc_and_a_range_of_the_writer_then_reads_nothing_for_it()
    {
        var (path, bytes) = MakeFile();
        var store = new MemoryCrcStore();
        var first = new CountingSource(path);
        var crc = await FirstPassAsync(first, store);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes), crc);
        Assert.Equal(1, first.Opens);
        Assert.Equal(crc, await store.GetAsync(CrcStoreKeys.For((await first.GetIdentityAsync(default))!), default));

        // The writer's range needs the CRC-32 (its central directory holds it) and finds it where the first pass left it.
        var ranged = new CountingSource(path);
        Assert.True(Holds(await AfterTheDataAsync(path, bytes, ranged, store), crc));
        Assert.Equal(0, ranged.Opens);

        // And without the store, the range reads the file whole for it: the store is what spared the read.
        var cold = new CountingSource(path);
        Assert.True(Holds(await AfterTheDataAsync(path, bytes, cold, store: new MemoryCrcStore()), crc));
        Assert.Equal(1, cold.Opens);
    }

    [Fact]
    public async Task A_crc_the_writer_remembered_spares_the_first_pass_its_read()
    {
        var (path, bytes) = MakeFile();
        var store = new MemoryCrcStore();
        await using (var zip = new ZipArchiveWriter(new MemoryStream(), Stored(store)))
        {
            await zip.AddEntryAsync(new ArchiveEntry("a.bin") { LastModified = Time }, new CountingSource(path));
            await zip.CompleteAsync();
        }

        Assert.Equal(1, store.Count);
        var source = new CountingSource(path);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes), await FirstPassAsync(source, store));
        Assert.Equal(0, source.Opens);
    }

    /// <summary>A store that fails every call, as a store behind no ResilientCrcStore can.</summary>
    private sealed class FailingStore : ICrcStore
    {
        public int Calls { get; private set; }

        public ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken)
        {
            Calls++;
            throw new IOException("store is down");
        }

        public ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken)
        {
            Calls++;
            throw new IOException("store is down");
        }
    }

    [Fact]
    public async Task A_failing_store_costs_the_first_pass_a_read_as_it_costs_the_writer_never_the_archive()
    {
        var (path, bytes) = MakeFile();
        var store = new FailingStore();
        var source = new CountingSource(path);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes), await FirstPassAsync(source, store));
        Assert.Equal(1, source.Opens);
        Assert.Equal(2, store.Calls); // asked, then told
    }

    /// <summary>A pipe: readable once, from where it is.</summary>
    private sealed class PipeLike(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task A_source_read_only_once_is_never_read_first_by_the_first_pass_nor_by_the_shared_path()
    {
        var bytes = SyntheticStream.Bytes(1000, 3, compressible: false);
        var pipe = new PipeLike(bytes);
        var source = EntrySource.FromStream(pipe);
        var entry = new ArchiveEntry("piped") { Length = bytes.Length, LastModified = Time };
        var items = await ArchiveCommand.WithCrcsAsync([new PlannedEntry(entry, source)], CancellationToken.None, crcStore: new MemoryCrcStore());
        Assert.Null(Assert.Single(items).Entry.Crc32);
        await Assert.ThrowsAsync<ArgumentException>(() => SourceCrcs.ComputeAsync("piped", source, new MemoryCrcStore(), CancellationToken.None).AsTask());
        Assert.Equal(0, pipe.Position);
    }
}
