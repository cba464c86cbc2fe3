using System.Globalization;
using System.IO.Hashing;
using Formats.Tar;

namespace Formats.InteropTests;

/// <summary>A tar member as every reader should report it.</summary>
internal sealed record ExpectedTarMember(ArchiveEntry Entry, byte[] Content)
{
    public string Name => Entry.Kind == EntryKind.Directory ? Entry.Name + "/" : Entry.Name;

    public string Kind => Entry.Kind switch
    {
        EntryKind.Directory => "d",
        EntryKind.SymbolicLink => "l",
        EntryKind.HardLink => "h",
        _ => "f",
    };

    /// <summary>The line checkers/tarcheck.py prints for this member.</summary>
    public string PythonLine
    {
        get
        {
            var t = Entry.LastModified!.Value;
            var seconds = (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
            var mtime = seconds.ToString("R", CultureInfo.InvariantCulture);
            mtime = mtime.Contains('.', StringComparison.Ordinal) || mtime.Contains('E', StringComparison.Ordinal) ? mtime : mtime + ".0";
            var mode = (int)(Entry.Mode ?? (UnixFileMode)(Entry.Kind switch { EntryKind.Directory => 0b111_101_101, EntryKind.SymbolicLink => 0b111_111_111, _ => 0b110_100_100 }));
            var crc = Entry.Kind == EntryKind.File ? Crc32.HashToUInt32(Content).ToString("x8", CultureInfo.InvariantCulture) : "00000000";
            return $"{Name.TrimEnd('/')}\t{Kind}\t{Content.Length}\t{crc}\t{mtime}\t{Entry.UserId ?? 0}\t{Entry.GroupId ?? 0}\t{Entry.UserName}\t{Entry.LinkTarget}\t{Convert.ToString(mode, 8)}";
        }
    }
}

/// <summary>Tar archives with every header form the writer produces: ustar only, prefix splits, and each pax key.</summary>
internal static class TarInteropCorpus
{
    public static async Task<(string Path, List<ExpectedTarMember> Members)> WriteAsync(string directory, TarCompression compression)
    {
        var t = new DateTimeOffset(2024, 2, 29, 13, 14, 16, TimeSpan.Zero);
        var content = Formats.Testing.SyntheticStream.Bytes(150_000, seed: 1);
        var members = new List<ExpectedTarMember>();
        var extension = compression switch { TarCompression.Gzip => ".tar.gz", TarCompression.Zstandard => ".tar.zst", _ => ".tar" };
        var path = Path.Combine(directory, "corpus" + extension);
        await using (var file = File.Create(path))
        await using (var tar = new TarArchiveWriter(file, new TarWriterOptions { Compression = compression }))
        {
            async Task Add(ArchiveEntry entry, byte[]? bytes = null)
            {
                await tar.AddEntryAsync(entry, bytes is null ? null : EntrySource.FromBytes(bytes));
                members.Add(new ExpectedTarMember(entry, bytes ?? []));
            }

            await Add(new ArchiveEntry("dir", EntryKind.Directory) { LastModified = t });
            await Add(new ArchiveEntry("dir/file.txt") { LastModified = t, Mode = (UnixFileMode)0b110_000_000 }, content);
            await Add(new ArchiveEntry(new string('a', 99)) { LastModified = t }, "99"u8.ToArray());
            await Add(new ArchiveEntry(new string('b', 100)) { LastModified = t }, "100"u8.ToArray());
            await Add(new ArchiveEntry(new string('c', 50) + "/" + new string('d', 50)) { LastModified = t }, "101"u8.ToArray());
            await Add(new ArchiveEntry(new string('e', 155) + "/" + new string('f', 99)) { LastModified = t }, "prefix 155"u8.ToArray());
            await Add(new ArchiveEntry(new string('g', 156) + "/" + new string('h', 99)) { LastModified = t }, "prefix 156"u8.ToArray());
            await Add(new ArchiveEntry(string.Join('/', Enumerable.Repeat("segment-of-twenty-ch", 15))) { LastModified = t }, "300"u8.ToArray());
            await Add(new ArchiveEntry(new string('n', 180)) { LastModified = t }, "no slash"u8.ToArray());
            await Add(new ArchiveEntry("ünïcødé/日本語 файл.txt") { LastModified = t }, "unicode"u8.ToArray());
            await Add(new ArchiveEntry("times/1969.txt") { LastModified = new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero) }, "moon"u8.ToArray());
            await Add(new ArchiveEntry("times/2300.txt") { LastModified = new DateTimeOffset(2300, 1, 1, 0, 0, 0, TimeSpan.Zero) }, "future"u8.ToArray());
            await Add(new ArchiveEntry("times/fraction.txt") { LastModified = t.AddMilliseconds(250) }, "quarter"u8.ToArray());
            await Add(new ArchiveEntry("owner/big-uid.txt") { LastModified = t, UserId = 2_097_152, GroupId = 4242, UserName = "a-user-name-longer-than-32-bytes-x", GroupName = "staff" }, "uid"u8.ToArray());
            await Add(new ArchiveEntry("empty") { LastModified = t }, []);
            await Add(new ArchiveEntry("dir/soft", EntryKind.SymbolicLink) { LinkTarget = "file.txt", LastModified = t });
            await Add(new ArchiveEntry("dir/hard", EntryKind.HardLink) { LinkTarget = "dir/file.txt", LastModified = t });
            await Add(new ArchiveEntry("dir/long-link", EntryKind.SymbolicLink) { LinkTarget = string.Join('/', Enumerable.Repeat("..", 1)) + "/" + new string('t', 120), LastModified = t });
            await tar.CompleteAsync();
        }

        return (path, members);
    }
}
