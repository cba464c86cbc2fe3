using System.IO.Compression;
using Formats.Zip;

namespace Formats.Testing;

internal static class ZipTestHelpers
{
    public static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 10, TimeSpan.Zero);

    /// <summary>Builds an archive into an output that refuses synchronous I/O, so every test also proves the async path.</summary>
    public static async Task<byte[]> WriteZipAsync(Func<ZipArchiveWriter, Task> build, ZipWriterOptions? options = null)
    {
        var output = new AsyncOnlyStream();
        await using (var zip = new ZipArchiveWriter(output, options))
        {
            await build(zip);
            await zip.CompleteAsync();
        }

        return output.ToArray();
    }

    public static Dictionary<string, byte[]> ReadWithSystemIoCompression(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var result = new Dictionary<string, byte[]>();
        foreach (var entry in archive.Entries)
        {
            using var s = entry.Open();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            result.Add(entry.FullName, ms.ToArray());
        }

        return result;
    }

    public static bool EndsWithEndOfCentralDirectory(byte[] bytes) =>
        bytes.Length >= 22 && bytes.AsSpan(bytes.Length - 22, 4).SequenceEqual(new byte[] { 0x50, 0x4B, 0x05, 0x06 });

    public static bool ContainsCentralDirectory(byte[] bytes) =>
        bytes.AsSpan().IndexOf(new byte[] { 0x50, 0x4B, 0x01, 0x02 }) >= 0 || bytes.AsSpan().IndexOf(new byte[] { 0x50, 0x4B, 0x05, 0x06 }) >= 0;
}
