using System.Text;
using Formats.Zip;

namespace Formats.InteropTests;

/// <summary>
/// libarchive 3.6 (Debian 12's bsdtar) and compressible zstd members whose length is a multiple of its 128 KiB output
/// buffer: written with an empty skippable frame after the data frame, so it finds their end (see ZstdEnding).
/// </summary>
public sealed class ZstdMemberEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-zstd-end-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<int> Lengths => new() { 128 * 1024, 256 * 1024, 1024 * 1024, 1024 * 1024 + 1 };

    /// <summary>Text that compresses to a small fraction, so that the whole frame sits in the reader's read-ahead.</summary>
    private static byte[] Compressible(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < length; i++)
        {
            text.Append("line ").Append(i % 1000).Append(" of a compressible member\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private async Task<(string Path, byte[] Content)> WriteAsync(int length)
    {
        var content = Compressible(length);
        var path = Path.Combine(_dir, $"zstd-{length}.zip");
        await using (var file = File.Create(path))
        await using (var zip = new ZipArchiveWriter(file, new ZipWriterOptions { Method = ZipCompressionMethod.Zstandard }))
        {
            await zip.AddEntryAsync(new ArchiveEntry("member.txt") { LastModified = DateTimeOffset.UnixEpoch }, EntrySource.FromBytes(content));
            await zip.CompleteAsync();
        }

        return (path, content);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task Bsdtar_extracts_a_compressible_zstd_member_of_any_length(int length)
    {
        var (path, content) = await WriteAsync(length);
        var extracted = await ExternalTool.RunAsync("bsdtar", ["-xOf", path]);
        Assert.True(extracted.ExitCode == 0, $"bsdtar failed on {length} bytes: {extracted.Stderr}");
        Assert.Equal("", extracted.Stderr);
        Assert.Equal(content, extracted.Stdout);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task SevenZip_and_the_zstd_tool_accept_the_member_with_its_skippable_frame(int length)
    {
        var (path, content) = await WriteAsync(length);
        var test = await ExternalTool.RunAsync("7zz", ["t", path]);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        Assert.Contains("Everything is Ok", test.Text, StringComparison.Ordinal);
        var extracted = await ExternalTool.RunAsync("7zz", ["x", "-so", path]);
        Assert.Equal(content, extracted.Stdout);

        // The member's compressed bytes, as a .zst file: what the zstd tool makes of the frames alone.
        var frames = Path.Combine(_dir, $"member-{length}.zst");
        await File.WriteAllBytesAsync(frames, await MemberDataAsync(path));
        var decoded = await ExternalTool.RunAsync("zstd", ["-dc", frames]);
        Assert.True(decoded.ExitCode == 0, decoded.Stderr);
        Assert.Equal(content, decoded.Stdout);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task SharpCompress_reads_the_member_with_its_skippable_frame(int length)
    {
        var (path, content) = await WriteAsync(length);
        using var archive = SharpCompress.Archives.Zip.ZipArchive.OpenArchive(new MemoryStream(await File.ReadAllBytesAsync(path)));
        using var stream = Assert.Single(archive.Entries).OpenEntryStream();
        var read = new MemoryStream();
        await stream.CopyToAsync(read);
        Assert.Equal(content, read.ToArray());
    }

    /// <summary>
    /// The compressed bytes of the archive's one member: its size from the central directory header (a zstd member's
    /// local header holds 0 before its descriptor), where they start from its local header (APPNOTE 4.3.7, 4.3.12).
    /// </summary>
    private static async Task<byte[]> MemberDataAsync(string path)
    {
        var zip = await File.ReadAllBytesAsync(path);
        var central = zip.AsSpan().IndexOf("PK\u0001\u0002"u8);
        var compressed = (int)BitConverter.ToUInt32(zip, central + 20);
        var local = (int)BitConverter.ToUInt32(zip, central + 42);
        var start = local + 30 + BitConverter.ToUInt16(zip, local + 26) + BitConverter.ToUInt16(zip, local + 28);
        return zip[start..(start + compressed)];
    }
}
