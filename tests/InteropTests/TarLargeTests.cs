using System.Formats.Tar;
using Formats.Tar;

namespace Formats.InteropTests;

/// <summary>A member of 8 GiB + 1 byte (from a synthetic source): pax size plus base-256 in the ustar field, read by everyone.</summary>
public sealed class TarLargeTests(TarLargeTests.BigTar archive) : IClassFixture<TarLargeTests.BigTar>
{
    public const long BigLength = (8L << 30) + 1;

    public sealed class BigTar : IAsyncLifetime
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"formats-8gib-{Guid.NewGuid():N}.tar");

        public uint BigCrc { get; private set; }

        public async ValueTask InitializeAsync()
        {
            BigCrc = await Zip64LargeTests.CrcOfAsync(new SyntheticStream(BigLength, seed: 8));
            await using var file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: true);
            await using var tar = new TarArchiveWriter(file);
            var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
            await tar.AddEntryAsync(new ArchiveEntry("big.bin") { Length = BigLength, LastModified = time }, EntrySource.FromStream(new SyntheticStream(BigLength, seed: 8)));
            await tar.AddEntryAsync(new ArchiveEntry("after.txt") { LastModified = time }, EntrySource.FromBytes("after"u8.ToArray()));
            await tar.CompleteAsync();
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(Path);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Member_of_8GiB_plus_1_reads_back_in_System_Formats_Tar_with_its_content()
    {
        await using var file = File.OpenRead(archive.Path);
        await using var reader = new TarReader(file);
        var big = (await reader.GetNextEntryAsync())!;
        Assert.Equal("big.bin", big.Name);
        Assert.Equal(BigLength, big.Length);
        Assert.Equal(archive.BigCrc, await Zip64LargeTests.CrcOfAsync(big.DataStream!));
        var after = (await reader.GetNextEntryAsync())!;
        Assert.Equal("after.txt", after.Name);
        Assert.Equal("after", await new StreamReader(after.DataStream!).ReadToEndAsync());
        Assert.Null(await reader.GetNextEntryAsync());
    }

    [Fact]
    public async Task Member_of_8GiB_plus_1_is_listed_by_gnu_tar_bsdtar_and_python_without_warnings()
    {
        var gnu = await ExternalTool.RunAsync("tar", ["-tvf", archive.Path]);
        Assert.True(gnu.ExitCode == 0, gnu.Stderr);
        Assert.Equal("", gnu.Stderr);
        Assert.Contains($" {BigLength} ", gnu.Lines[0], StringComparison.Ordinal);
        Assert.EndsWith("after.txt", gnu.Lines[1], StringComparison.Ordinal);

        var bsd = await ExternalTool.RunAsync("bsdtar", ["-tvf", archive.Path]);
        Assert.True(bsd.ExitCode == 0, bsd.Stderr);
        Assert.Equal("", bsd.Stderr);
        Assert.Contains($" {BigLength} ", bsd.Lines[0], StringComparison.Ordinal);

        var python = await ExternalTool.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "checkers", "tarcheck.py"), archive.Path]);
        Assert.True(python.ExitCode == 0, python.Stderr);
        Assert.Equal($"big.bin\tf\t{BigLength}\t{archive.BigCrc:x8}", string.Join('\t', python.Lines[0].Split('\t')[..4]));
        Assert.StartsWith("after.txt\tf\t5\t", python.Lines[1], StringComparison.Ordinal);
    }
}
