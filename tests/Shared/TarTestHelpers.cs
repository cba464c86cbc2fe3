using System.Formats.Tar;
using System.IO.Compression;
using Formats.Tar;

namespace Formats.Testing;

/// <summary>A tar member as System.Formats.Tar reads it back.</summary>
internal sealed record ReadTarEntry(string Name, TarEntryType Type, byte[] Content, int Mode, DateTimeOffset Modified, int Uid, int Gid, string UserName, string GroupName, string LinkName);

internal static class TarTestHelpers
{
    /// <summary>Builds an archive into an output that refuses synchronous I/O.</summary>
    public static async Task<byte[]> WriteTarAsync(Func<TarArchiveWriter, Task> build, TarWriterOptions? options = null)
    {
        var output = new AsyncOnlyStream();
        await using (var tar = new TarArchiveWriter(output, options))
        {
            await build(tar);
            await tar.CompleteAsync();
        }

        return output.ToArray();
    }

    public static byte[] Decompress(byte[] archive, TarCompression compression)
    {
        Stream input = new MemoryStream(archive);
        input = compression switch
        {
            TarCompression.Gzip => new GZipStream(input, CompressionMode.Decompress),
            TarCompression.Zstandard => new ZstdSharp.DecompressionStream(input),
            _ => input,
        };
        var plain = new MemoryStream();
        input.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>Every member, pax headers applied, as System.Formats.Tar's reader sees it.</summary>
    public static List<ReadTarEntry> ReadWithTarReader(byte[] tar)
    {
        var result = new List<ReadTarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            var posix = entry as PosixTarEntry;
            result.Add(new ReadTarEntry(
                entry.Name, entry.EntryType, content.ToArray(), (int)entry.Mode, entry.ModificationTime, entry.Uid, entry.Gid,
                posix?.UserName ?? "", posix?.GroupName ?? "", entry.LinkName));
        }

        return result;
    }
}
