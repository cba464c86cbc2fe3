using System.IO.Hashing;
using Formats.Zip;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>The entry-count boundary of the end record: 0xFFFF itself is the zip64 escape.</summary>
public sealed class ZipEntryCountTests
{
    [Theory]
    [InlineData(65_534, false)]
    [InlineData(65_535, true)]
    [InlineData(65_536, true)]
    public async Task Zip64_end_records_appear_exactly_from_65535_entries(int count, bool zip64)
    {
        var zip = await WriteZipAsync(async z =>
        {
            for (var i = 0; i < count; i++)
            {
                await z.AddEntryAsync(new ArchiveEntry($"{i}"));
            }
        });
        var archive = ZipInspector.Inspect(zip);
        Assert.Equal(count, archive.Entries.Count);
        Assert.Equal(zip64, archive.Zip64End is not null);
        Assert.Equal(zip64 ? 0xFFFF : count, archive.End.TotalEntries);
        using var bcl = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        Assert.Equal(count, bcl.Entries.Count);
    }

    [Fact]
    public async Task Zip64_never_refuses_the_65535th_entry_before_writing_it()
    {
        var output = new AsyncOnlyStream();
        await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Zip64 = Zip64Mode.Never });
        for (var i = 0; i < 65_534; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"{i}"));
        }

        var before = zip.BytesWritten;
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("one-too-many")));
        Assert.Equal("one-too-many", ex.EntryName);
        Assert.Contains("65534", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, zip.BytesWritten);
    }

    [Fact]
    public void Central_directory_record_kept_per_entry_until_completion_is_64_bytes_besides_the_name()
    {
        // With the name set this keeps the bytes retained per entry under 100 beyond the name (docs/benchmarks.md);
        // owner ids, which only some entries have, are kept apart.
        Assert.Equal(64, System.Runtime.CompilerServices.Unsafe.SizeOf<CentralDirectoryEntry>());
    }
}
