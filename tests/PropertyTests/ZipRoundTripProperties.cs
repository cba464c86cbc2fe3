using System.IO.Hashing;
using FsCheck.Xunit;
using Formats.Zip;

namespace Formats.PropertyTests;

/// <summary>Random entry sets written by <see cref="ZipArchiveWriter"/> and read back by independent readers.</summary>
public sealed class ZipRoundTripProperties
{
    internal static async Task<byte[]> WriteAsync(ArchiveCase c)
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = c.Method, Zip64 = c.Zip64, CompressionLevel = c.Level, MaxDegreeOfParallelism = c.Threads });
        foreach (var e in c.Entries)
        {
            var content = e.Content;
            var entry = new ArchiveEntry(e.Name, e.Kind)
            {
                Length = e.DeclareLength && e.Kind == EntryKind.File ? content.Length : null,
                Crc32 = e.DeclareCrc && e.Kind == EntryKind.File ? Crc32.HashToUInt32(content) : null,
                LastModified = e.Time,
                Mode = (UnixFileMode)e.Mode,
                LinkTarget = e.LinkTarget,
            };
            if (e.Pushed)
            {
                await using var stream = await zip.OpenEntryAsync(entry);
                for (var at = 0; at < content.Length; at += 7000)
                {
                    await stream.WriteAsync(content.AsMemory(at, Math.Min(7000, content.Length - at)));
                }
            }
            else
            {
                var source = e.Kind != EntryKind.File ? null
                    : e.Seed % 2 == 0 ? EntrySource.FromBytes(content)
                    : EntrySource.FromStream(new SyntheticStream(content.Length, e.Seed, compressible: e.Compressible));
                await zip.AddEntryAsync(entry, source);
            }
        }

        await zip.CompleteAsync();
        return output.ToArray();
    }

    private static string ExpectedName(EntryCase e) => e.Kind == EntryKind.Directory ? e.Name + "/" : e.Name;

    [Property(Arbitrary = [typeof(ArchiveGenerators)], MaxTest = 150)]
    public async Task Archives_read_back_through_SharpCompress_with_names_content_modes_and_times(ArchiveCase c)
    {
        var zip = await WriteAsync(c);
        ZipInspector.Inspect(zip);
        using var archive = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new MemoryStream(zip));
        var read = archive.Entries.ToList();
        Assert.Equal(c.Entries.Select(ExpectedName), read.Select(e => e.Key));
        foreach (var (expected, actual) in c.Entries.Zip(read))
        {
            Assert.Equal(expected.Kind == EntryKind.Directory, actual.IsDirectory);
            using (var s = actual.OpenEntryStream())
            {
                var ms = new MemoryStream();
                await s.CopyToAsync(ms);
                Assert.Equal(expected.Content, ms.ToArray());
            }

            Assert.Equal(Crc32.HashToUInt32(expected.Content), (uint)actual.Crc);
            Assert.Equal((long)expected.Content.Length, actual.Size);
            Assert.Equal((ReaderExpectations.UnixFileType(expected.Kind) | expected.Mode) << 16 | (expected.Kind == EntryKind.Directory ? 0x10 : 0), actual.Attrib);
            if (expected.Time.Year is >= 1980 and <= 2107)
            {
                // SharpCompress 0.50 passes the extra-field time through a DOS encoding, so a time outside the DOS
                // range comes back wrapped around (1975 as 2103). Those times are checked by the inspector here and
                // by 7-Zip and Java in the interop tests.
                Assert.Equal(ReaderExpectations.DosTime(expected.Time), actual.LastModifiedTime);
            }
        }
    }

    [Property(Arbitrary = [typeof(ArchiveGenerators)], MaxTest = 150)]
    public async Task Archives_read_back_through_System_IO_Compression_with_names_content_modes_and_times(ArchiveCase c)
    {
        var zip = await WriteAsync(c);
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip), System.IO.Compression.ZipArchiveMode.Read);
        Assert.Equal(c.Entries.Select(ExpectedName), archive.Entries.Select(e => e.FullName));
        foreach (var (expected, actual) in c.Entries.Zip(archive.Entries))
        {
            Assert.Equal(Crc32.HashToUInt32(expected.Content), actual.Crc32);
            Assert.Equal(expected.Content.Length, actual.Length);
            Assert.Equal((ReaderExpectations.UnixFileType(expected.Kind) | expected.Mode) << 16 | (expected.Kind == EntryKind.Directory ? 0x10 : 0), actual.ExternalAttributes);
            Assert.Equal(ReaderExpectations.DosTime(expected.Time), actual.LastWriteTime.DateTime);
            var method = ZipInspector.Inspect(zip).Entries.First(e => e.Name == actual.FullName).Central.CompressionMethod;
            if (method == 93)
            {
                // System.IO.Compression does not read Zstandard; SharpCompress and 7-Zip check that content.
                continue;
            }

            await using var s = await actual.OpenAsync();
            var ms = new MemoryStream();
            await s.CopyToAsync(ms);
            Assert.Equal(expected.Content, ms.ToArray());
        }
    }

    [Property(Arbitrary = [typeof(ArchiveGenerators)], MaxTest = 200)]
    public async Task Every_entry_has_the_form_its_declared_metadata_allows(ArchiveCase c)
    {
        var zip = await WriteAsync(c);
        var archive = ZipInspector.Inspect(zip);
        Assert.Equal(c.Zip64 == Zip64Mode.Always, archive.Zip64End is not null);
        foreach (var (expected, actual) in c.Entries.Zip(archive.Entries))
        {
            // The length is known up front when declared, or when the source is bytes in memory.
            var lengthKnown = expected.DeclareLength || (!expected.Pushed && expected.Seed % 2 == 0) || expected.Kind != EntryKind.File;
            // Auto stores what its name says is compressed, and may store anything else after a trial. A small member
            // of known length under deflate or auto is compressed ahead, so its CRC is known before its header.
            var storedByName = c.Method == ZipCompressionMethod.Auto && Path.GetExtension(expected.Name) is ".gz";
            if (storedByName && expected.Kind == EntryKind.File)
            {
                Assert.Equal(0, actual.Central.CompressionMethod);
            }

            var stored = c.Method == ZipCompressionMethod.Stored || (c.Method == ZipCompressionMethod.Auto && actual.Central.CompressionMethod == 0);
            var computedAhead = c.Method is ZipCompressionMethod.Deflate or ZipCompressionMethod.Auto && !storedByName && lengthKnown && expected.Content.Length is > 0 and <= 1 << 20;
            var upFront = expected.Kind != EntryKind.File
                || (lengthKnown && expected.Content.Length == 0)
                || (stored && lengthKnown && (expected.DeclareCrc || computedAhead));
            Assert.True(!upFront == ((actual.Local.GeneralPurposeBitFlag & 8) != 0), $"descriptor flag of {expected}");
            var localZip64 = c.Zip64 switch
            {
                Zip64Mode.Always => true,
                Zip64Mode.Never => false,
                _ => !upFront && !lengthKnown,
            };
            Assert.True(localZip64 == actual.LocalExtras.ContainsKey(0x0001), $"local zip64 of {expected}");
            Assert.Equal(upFront ? 0 : localZip64 ? 24 : 16, actual.DescriptorLength);
            Assert.True((c.Zip64 == Zip64Mode.Always) == actual.CentralExtras.ContainsKey(0x0001), $"central zip64 of {expected}");
            var nonAscii = expected.Name.Any(ch => ch > 127);
            Assert.True(nonAscii == ((actual.Central.GeneralPurposeBitFlag & 0x800) != 0), $"UTF-8 flag of {expected}");
            Assert.Equal(expected.Time.ToUnixTimeSeconds(), ExtraTimeSeconds(actual.LocalExtras));
            Assert.Equal(expected.Time.ToUnixTimeSeconds(), ExtraTimeSeconds(actual.CentralExtras));
        }
    }

    /// <summary>The modification time the extra fields carry (0x5455 seconds, or NTFS FILETIME), in Unix seconds.</summary>
    private static long ExtraTimeSeconds(IReadOnlyDictionary<ushort, byte[]> extras)
    {
        if (extras.TryGetValue(0x5455, out var ut))
        {
            Assert.False(extras.ContainsKey(0x000A));
            Assert.Equal(1, ut[0]);
            return BitConverter.ToInt32(ut, 1);
        }

        var ntfs = extras[0x000A];
        var fileTime = BitConverter.ToInt64(ntfs, 8);
        return DateTimeOffset.FromFileTime(fileTime).ToUnixTimeSeconds() - (fileTime % 10_000_000 < 0 ? 1 : 0);
    }
}
