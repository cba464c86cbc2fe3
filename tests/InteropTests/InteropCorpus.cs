using System.IO.Hashing;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>An entry the corpus wrote, as every reader should report it.</summary>
internal sealed record ExpectedEntry(string Name, EntryKind Kind, byte[] Content, DateTimeOffset Time, int Mode)
{
    public string ZipName => Kind == EntryKind.Directory ? Name + "/" : Name;

    public string Crc => Crc32.HashToUInt32(Content).ToString("x8");
}

/// <summary>
/// Archives with every entry form the writer produces, written to files for the real extractors. The streamable variant
/// leaves out stored entries with a data descriptor, which no forward-only reader can extract (stored data has no end
/// marker). Entries of unknown length come from forward-only streams, as a pipe or an HTTP body without Content-Length
/// gives them; <c>unknownLengths: false</c> leaves them out, for readers that cannot take their zip64 form.
/// </summary>
internal static class InteropCorpus
{
    public static async Task<(string Path, List<ExpectedEntry> Entries)> WriteAsync(string directory, ZipCompressionMethod method, Zip64Mode zip64, bool streamable, bool unknownLengths = true)
    {
        var t = new DateTimeOffset(2024, 2, 29, 13, 14, 16, TimeSpan.Zero);
        var known = Formats.Testing.SyntheticStream.Bytes(150_000, seed: 1);
        var random = Formats.Testing.SyntheticStream.Bytes(100_000, seed: 2, compressible: false);
        var expected = new List<ExpectedEntry>();
        var path = System.IO.Path.Combine(directory, $"corpus-{method}-{zip64}-{(streamable ? "stream" : "all")}-{(unknownLengths ? "unknown" : "known")}.zip");
        await using (var file = File.Create(path))
        await using (var zip = new ZipArchiveWriter(file, new ZipWriterOptions { Method = method, Zip64 = zip64 }))
        {
            async Task Add(ArchiveEntry entry, byte[] content, EntrySource? source, int mode)
            {
                await zip.AddEntryAsync(entry, source);
                expected.Add(new ExpectedEntry(entry.Name.TrimEnd('/'), entry.Kind, content, entry.LastModified!.Value, mode));
            }

            var storedWithDescriptor = method == ZipCompressionMethod.Stored;
            await Add(new ArchiveEntry("dir", EntryKind.Directory) { LastModified = t }, [], null, 0b111_101_101);
            await Add(new ArchiveEntry("dir/known.txt") { Length = known.Length, Crc32 = Crc32.HashToUInt32(known), LastModified = t, Mode = (UnixFileMode)0b110_000_000 }, known, EntrySource.FromBytes(known), 0b110_000_000);
            if (!(streamable && storedWithDescriptor))
            {
                await Add(new ArchiveEntry("dir/length-only.bin") { Length = random.Length, LastModified = t }, random, EntrySource.FromBytes(random), 0b110_100_100);
                // Unknown length (forward-only streams), unless left out; then the same content with its length known.
                EntrySource Source(byte[] content) => unknownLengths ? EntrySource.FromStream(new Formats.Testing.ForwardOnlyStream(content)) : EntrySource.FromBytes(content);
                await Add(new ArchiveEntry("unknown-length.txt") { LastModified = t }, known, Source(known), 0b110_100_100);
                await Add(new ArchiveEntry("ünïcødé/日本語 файл.txt") { LastModified = t }, "unicode"u8.ToArray(), Source("unicode"u8.ToArray()), 0b110_100_100);
                await Add(new ArchiveEntry("times/1969.txt") { LastModified = new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero) }, "moon"u8.ToArray(), Source("moon"u8.ToArray()), 0b110_100_100);
                await Add(new ArchiveEntry("times/2200.txt") { LastModified = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero) }, "future"u8.ToArray(), Source("future"u8.ToArray()), 0b110_100_100);
            }

            await Add(new ArchiveEntry("empty") { LastModified = t }, [], null, 0b110_100_100);
            await Add(new ArchiveEntry("dir/link", EntryKind.SymbolicLink) { LinkTarget = "known.txt", LastModified = t }, "known.txt"u8.ToArray(), null, 0b111_111_111);
            await zip.CompleteAsync();
        }

        return (path, expected);
    }
}
