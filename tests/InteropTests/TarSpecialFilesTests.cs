using System.Formats.Tar;
using Formats.Cli;
using Formats.Tar;

namespace Formats.InteropTests;

/// <summary>
/// Devices, FIFOs and sparse files through GNU tar and bsdtar: listed with their types and numbers, and restored as
/// what they were (extracting devices needs root, as CI runs; a sparse file comes back with its holes and its data).
/// </summary>
public sealed class TarSpecialFilesTests : IDisposable
{
    private static readonly DateTimeOffset Time = new(2024, 2, 29, 13, 14, 16, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-tar-special-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 10 GiB file holding 1 MiB of data in four 256 KiB pieces, the last at its very end.</summary>
    private static readonly (long Offset, byte[] Bytes)[] TenGiBData =
    [
        (0, SyntheticStream.Bytes(256 << 10, seed: 1)),
        (3L << 30, SyntheticStream.Bytes(256 << 10, seed: 2)),
        ((6L << 30) + 4096, SyntheticStream.Bytes(256 << 10, seed: 3)),
        ((10L << 30) - (256 << 10), SyntheticStream.Bytes(256 << 10, seed: 4)),
    ];

    /// <summary>A 1 GiB file ending in a hole.</summary>
    private static readonly (long Offset, byte[] Bytes)[] TrailingHoleData = [(100L << 20, SyntheticStream.Bytes(64 << 10, seed: 5))];

    private async Task<string> WriteSpecialAsync()
    {
        var path = Path.Combine(_dir, "special.tar");
        await using var file = File.Create(path);
        await using var tar = new TarArchiveWriter(file);
        await tar.AddEntryAsync(ArchiveEntry.Directory("dev", Time));
        await tar.AddEntryAsync(ArchiveEntry.CharacterDevice("dev/null", 1, 3, Time));
        await tar.AddEntryAsync(ArchiveEntry.BlockDevice("dev/loop9", 7, 1_048_575, Time));
        await tar.AddEntryAsync(ArchiveEntry.Fifo("dev/pipe", Time));
        await tar.CompleteAsync();
        return path;
    }

    private string MakeSparseFiles()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "images")).FullName;
        SparseFiles.Create(Path.Combine(source, "ten.img"), 10L << 30, TenGiBData);
        SparseFiles.Create(Path.Combine(source, "tail-hole.img"), 1L << 30, TrailingHoleData);
        return source;
    }

    private async Task<string> WriteSparseAsync(string source)
    {
        var path = Path.Combine(_dir, "sparse.tar");
        await using var file = File.Create(path);
        await using var tar = new TarArchiveWriter(file);
        await tar.AddEntryAsync(new ArchiveEntry("images/ten.img") { LastModified = Time }, EntrySource.FromSparseFile(Path.Combine(source, "ten.img")));
        await tar.AddEntryAsync(new ArchiveEntry("images/tail-hole.img") { LastModified = Time }, EntrySource.FromSparseFile(Path.Combine(source, "tail-hole.img")));
        await tar.CompleteAsync();
        return path;
    }

    private static void RequireRoot()
    {
        if (Environment.UserName == "root")
        {
            return;
        }

        const string Message = "extracting devices needs root";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(Message + "; CI is set, so the test fails");
        }

        Assert.Skip(Message);
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("bsdtar")]
    public async Task Devices_and_fifo_are_listed_with_their_types_and_major_minor_numbers(string tool)
    {
        var list = await ExternalTool.RunAsync(tool, ["-tvf", await WriteSpecialAsync()]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Equal("", list.Stderr);
        Assert.Equal(4, list.Lines.Length);
        Assert.StartsWith("crw-r--r--", list.Lines[1], StringComparison.Ordinal);
        Assert.Matches(@" 1,\s*3 .*dev/null$", list.Lines[1]);
        Assert.StartsWith("brw-r--r--", list.Lines[2], StringComparison.Ordinal);
        Assert.Matches(@" 7,\s*1048575 .*dev/loop9$", list.Lines[2]);
        Assert.StartsWith("prw-r--r--", list.Lines[3], StringComparison.Ordinal);
        Assert.EndsWith("dev/pipe", list.Lines[3], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("bsdtar")]
    public async Task Devices_and_fifo_are_restored_with_their_types_and_numbers(string tool)
    {
        RequireRoot();
        var archive = await WriteSpecialAsync();
        var target = Directory.CreateDirectory(Path.Combine(_dir, "out-" + tool)).FullName;
        var extract = await ExternalTool.RunAsync(tool, ["-xf", archive, "-C", target]);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        Assert.Equal("", extract.Stderr);

        // stat prints the device numbers in hex: 1,3 and 7,0xfffff.
        var stat = await ExternalTool.RunAsync("stat", ["-c", "%n|%F|%t|%T", "dev/null", "dev/loop9", "dev/pipe"], workingDirectory: target);
        Assert.True(stat.ExitCode == 0, stat.Stderr);
        Assert.Equal(["dev/null|character special file|1|3", "dev/loop9|block special file|7|fffff", "dev/pipe|fifo|0|0"], stat.Lines);
    }

    [Fact]
    public async Task System_Formats_Tar_reads_devices_and_fifo_with_their_numbers()
    {
        await using var reader = new TarReader(File.OpenRead(await WriteSpecialAsync()));
        var entries = new List<PosixTarEntry>();
        while (await reader.GetNextEntryAsync() is PosixTarEntry entry)
        {
            entries.Add(entry);
        }

        Assert.Equal([TarEntryType.Directory, TarEntryType.CharacterDevice, TarEntryType.BlockDevice, TarEntryType.Fifo], entries.Select(e => e.EntryType));
        Assert.Equal([(1, 3), (7, 1_048_575)], entries.Skip(1).Take(2).Select(e => (e.DeviceMajor, e.DeviceMinor)));
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("bsdtar")]
    public async Task Ten_GiB_sparse_file_with_1_MiB_of_data_takes_about_1_MiB_and_is_restored_with_its_holes(string tool)
    {
        var archive = await WriteSparseAsync(MakeSparseFiles());
        var length = new FileInfo(archive).Length;
        Assert.InRange(length, (1L << 20) + (64 << 10), (1L << 20) + (64 << 10) + 20_480 + 8192);

        var target = Directory.CreateDirectory(Path.Combine(_dir, "out-" + tool)).FullName;
        var extract = await ExternalTool.RunAsync(tool, ["-xf", archive, "-C", target]);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        Assert.Equal("", extract.Stderr);
        Assert.Equal(["tail-hole.img", "ten.img"], Directory.GetFileSystemEntries(Path.Combine(target, "images")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        SparseFiles.AssertContent(Path.Combine(target, "images", "ten.img"), 10L << 30, 2L << 20, TenGiBData);
        SparseFiles.AssertContent(Path.Combine(target, "images", "tail-hole.img"), 1L << 30, 1L << 20, TrailingHoleData);
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("bsdtar")]
    public async Task Sparse_walk_by_the_cli_is_restored_by_the_reader(string tool)
    {
        var source = MakeSparseFiles();
        var archive = Path.Combine(_dir, "cli.tar");
        var stderr = new StringWriter();
        var io = new StandardStreams(() => Stream.Null, () => Stream.Null, stderr, new StringWriter());
        Assert.Equal(0, await CliApp.RunAsync(["tar", "--sparse", "--quiet", source, "-o", archive], io, CancellationToken.None));
        Assert.Equal("", stderr.ToString());
        Assert.True(new FileInfo(archive).Length < 2L << 20, "the archive holds the data regions only");

        var target = Directory.CreateDirectory(Path.Combine(_dir, "out-" + tool)).FullName;
        var extract = await ExternalTool.RunAsync(tool, ["-xf", archive, "-C", target]);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        SparseFiles.AssertContent(Path.Combine(target, "images", "ten.img"), 10L << 30, 2L << 20, TenGiBData);
        SparseFiles.AssertContent(Path.Combine(target, "images", "tail-hole.img"), 1L << 30, 1L << 20, TrailingHoleData);
    }

    [Fact]
    public async Task System_Formats_Tar_without_sparse_support_sees_the_condensed_member_beside_the_real_name()
    {
        var archive = await WriteSparseAsync(MakeSparseFiles());
        await using var reader = new TarReader(File.OpenRead(archive));
        var first = (await reader.GetNextEntryAsync())!;
        Assert.Equal("images/GNUSparseFile.0/ten.img", first.Name);
        Assert.Equal("images/ten.img", ((PaxTarEntry)first).ExtendedAttributes["GNU.sparse.name"]);
        Assert.Equal(512 + (1L << 20), first.Length);
    }
}
