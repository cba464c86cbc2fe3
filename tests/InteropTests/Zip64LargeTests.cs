using System.IO.Compression;
using System.IO.Hashing;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>
/// Zip64 for real, with synthetic sources and no fixtures on disk: a member over 4 GiB of unknown length (stored and
/// deflate), a local header that starts beyond 4 GiB, and 65,536 entries; each read back by .NET, unzip, 7-Zip and bsdtar.
/// </summary>
public sealed class Zip64LargeTests
{
    internal const long BigLength = (4L << 30) + 4097;

    /// <summary>One archive written to a temporary file for all the readers, then deleted.</summary>
    public abstract class ArchiveFile : IAsyncLifetime
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"formats-zip64-{Guid.NewGuid():N}.zip");

        public uint BigCrc { get; private set; }

        public long SecondHeaderOffset { get; private set; }

        protected abstract ZipCompressionMethod Method { get; }

        public virtual async ValueTask InitializeAsync()
        {
            BigCrc = await CrcOfAsync(new SyntheticStream(BigLength, seed: 5));
            await using var file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: true);
            await using var zip = new ZipArchiveWriter(file, new ZipWriterOptions { Method = Method, CompressionLevel = 1 });
            await zip.AddEntryAsync(new ArchiveEntry("big.bin"), EntrySource.FromStream(new SyntheticStream(BigLength, seed: 5)));
            SecondHeaderOffset = zip.BytesWritten;
            await zip.AddEntryAsync(new ArchiveEntry("after-4GiB.txt"), EntrySource.FromBytes("beyond"u8.ToArray()));
            await zip.CompleteAsync();
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(Path);
            return ValueTask.CompletedTask;
        }
    }

    public sealed class StoredArchive : ArchiveFile
    {
        protected override ZipCompressionMethod Method => ZipCompressionMethod.Stored;
    }

    public sealed class DeflateArchive : ArchiveFile
    {
        protected override ZipCompressionMethod Method => ZipCompressionMethod.Deflate;
    }

    public sealed class ManyEntriesArchive : IAsyncLifetime
    {
        public const int Count = 65_536;

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"formats-65536-{Guid.NewGuid():N}.zip");

        public async ValueTask InitializeAsync()
        {
            await using var file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: true);
            await using var zip = new ZipArchiveWriter(file);
            var one = "x"u8.ToArray();
            for (var i = 0; i < Count; i++)
            {
                await zip.AddEntryAsync(new ArchiveEntry($"d{i / 1000}/f{i}"), EntrySource.FromBytes(i % 2 == 0 ? one : []));
            }

            await zip.CompleteAsync();
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(Path);
            return ValueTask.CompletedTask;
        }
    }

    internal static async Task<uint> CrcOfAsync(Stream stream)
    {
        var crc = new Crc32();
        var buffer = new byte[1 << 20];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            crc.Append(buffer.AsSpan(0, n));
        }

        return crc.GetCurrentHashAsUInt32();
    }

    internal static async Task CheckWithDotNetAsync(ArchiveFile archive)
    {
        Assert.True(archive.SecondHeaderOffset > uint.MaxValue, $"second header at {archive.SecondHeaderOffset}");
        using var zip = await ZipFile.OpenReadAsync(archive.Path);
        Assert.Equal(["big.bin", "after-4GiB.txt"], zip.Entries.Select(e => e.FullName));
        Assert.Equal(BigLength, zip.Entries[0].Length);
        await using (var big = await zip.Entries[0].OpenAsync())
        {
            Assert.Equal(archive.BigCrc, await CrcOfAsync(big));
        }

        await using var small = await zip.Entries[1].OpenAsync();
        Assert.Equal("beyond", await new StreamReader(small).ReadToEndAsync());
    }

    internal static async Task CheckWithToolsAsync(ArchiveFile archive)
    {
        var unzip = await ExternalTool.RunAsync("unzip", ["-t", archive.Path]);
        Assert.True(unzip.ExitCode == 0, unzip.Text + unzip.Stderr);
        Assert.Contains("No errors detected", unzip.Text, StringComparison.Ordinal);
        var info = await ExternalTool.RunAsync("unzip", ["-Zv", archive.Path, "after-4GiB.txt"]);
        Assert.Contains($"offset of local header from start of archive:   {archive.SecondHeaderOffset}", info.Text, StringComparison.Ordinal);

        var sevenZip = await ExternalTool.RunAsync("7zz", ["t", archive.Path]);
        Assert.True(sevenZip.ExitCode == 0, sevenZip.Text + sevenZip.Stderr);
        Assert.Contains("Everything is Ok", sevenZip.Text, StringComparison.Ordinal);

        var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-tvf", archive.Path]);
        Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
        Assert.Equal(2, bsdtar.Lines.Length);
        Assert.Contains($" {BigLength} ", bsdtar.Lines[0], StringComparison.Ordinal);
        Assert.EndsWith("after-4GiB.txt", bsdtar.Lines[1], StringComparison.Ordinal);
    }

    public sealed class Stored(StoredArchive archive) : IClassFixture<StoredArchive>
    {
        [Fact]
        public Task Stored_entry_over_4GiB_of_unknown_length_and_a_header_beyond_4GiB_read_back_in_dotnet() => CheckWithDotNetAsync(archive);

        [Fact]
        public Task Stored_entry_over_4GiB_of_unknown_length_and_a_header_beyond_4GiB_pass_unzip_7zz_and_bsdtar() => CheckWithToolsAsync(archive);
    }

    public sealed class Deflate(DeflateArchive archive) : IClassFixture<DeflateArchive>
    {
        [Fact]
        public Task Deflate_entry_over_4GiB_of_unknown_length_reads_back_in_dotnet()
        {
            // The compressed member is small, so here the second header starts below 4 GiB; the stored case covers that.
            return CheckDeflateWithDotNetAsync();

            async Task CheckDeflateWithDotNetAsync()
            {
                using var zip = await ZipFile.OpenReadAsync(archive.Path);
                Assert.Equal(BigLength, zip.Entries[0].Length);
                await using var big = await zip.Entries[0].OpenAsync();
                Assert.Equal(archive.BigCrc, await CrcOfAsync(big));
            }
        }

        [Fact]
        public async Task Deflate_entry_over_4GiB_of_unknown_length_passes_unzip_7zz_and_bsdtar()
        {
            foreach (var (tool, args, ok) in new[]
            {
                ("unzip", new[] { "-t", archive.Path }, "No errors detected"),
                ("7zz", ["t", archive.Path], "Everything is Ok"),
            })
            {
                var run = await ExternalTool.RunAsync(tool, args);
                Assert.True(run.ExitCode == 0, run.Text + run.Stderr);
                Assert.Contains(ok, run.Text, StringComparison.Ordinal);
            }

            var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-tvf", archive.Path]);
            Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
            Assert.Contains($" {BigLength} ", bsdtar.Lines[0], StringComparison.Ordinal);
        }
    }

    public sealed class ManyEntries(ManyEntriesArchive archive) : IClassFixture<ManyEntriesArchive>
    {
        [Fact]
        public async Task Archive_of_65536_entries_reads_back_in_dotnet_unzip_7zz_and_bsdtar()
        {
            using (var zip = await ZipFile.OpenReadAsync(archive.Path))
            {
                Assert.Equal(ManyEntriesArchive.Count, zip.Entries.Count);
                Assert.Equal("d65/f65535", zip.Entries[^1].FullName);
            }

            var unzip = await ExternalTool.RunAsync("unzip", ["-t", archive.Path]);
            Assert.True(unzip.ExitCode == 0, unzip.Stderr);
            Assert.Contains($"No errors detected in compressed data of {archive.Path}", unzip.Text, StringComparison.Ordinal);
            var sevenZip = await ExternalTool.RunAsync("7zz", ["t", archive.Path]);
            Assert.True(sevenZip.ExitCode == 0, sevenZip.Text);
            Assert.Contains($"Files: {ManyEntriesArchive.Count}", sevenZip.Text, StringComparison.Ordinal);
            var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-tf", archive.Path]);
            Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
            Assert.Equal(ManyEntriesArchive.Count, bsdtar.Lines.Length);
        }
    }
}
