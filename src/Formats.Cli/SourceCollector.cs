namespace Formats.Cli;

/// <summary>One entry to write, with where its content comes from.</summary>
internal sealed record PlannedEntry(ArchiveEntry Entry, EntrySource? Source);

/// <summary>
/// Turns SOURCE operands into entries, before anything is written (so a missing file fails with nothing written):
/// a file is one entry named by its file name; a directory is walked recursively, in ordinal order, with names relative
/// to its parent (so "docs" yields "docs/..."); symbolic links inside a directory stay links; "-" is standard input.
/// </summary>
internal static class SourceCollector
{
    public static List<PlannedEntry> Collect(IReadOnlyList<string> operands, CollectOptions options)
    {
        var entries = new List<PlannedEntry>();
        foreach (var operand in operands)
        {
            if (operand == "-")
            {
                var stdin = new ArchiveEntry(options.StdinName) { LastModified = options.MTime, Length = options.StdinLength };
                entries.Add(new PlannedEntry(stdin, EntrySource.FromStream(options.OpenStdin())));

                continue;
            }

            if (operand.StartsWith('@'))
            {
                // A manifest: mod_zip lines or JSON lines; local paths are the user's own files here.
                var text = File.ReadAllText(operand[1..]);
                entries.AddRange(ArchiveManifest.Parse(text, Http, openPath: (path, _) => EntrySource.FromFile(path))
                    .Select(i => new PlannedEntry(options.MTime is { } t ? WithTime(i.Entry, t) : i.Entry, i.Source)));
                continue;
            }

            if (Uri.TryCreate(operand, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                var name = Uri.UnescapeDataString(url.Segments[^1]);
                if (name.Length == 0 || name == "/")
                {
                    throw new UsageException($"'{operand}': the URL has no file name to name its entry; use a manifest (@FILE) to name it");
                }

                entries.Add(new PlannedEntry(new ArchiveEntry(name) { LastModified = options.MTime }, EntrySource.FromUrl(Http, url)));
                continue;
            }

            var full = Path.GetFullPath(operand);
            if (Directory.Exists(full))
            {
                var trimmed = Path.TrimEndingDirectorySeparator(full);
                var parent = Path.GetDirectoryName(trimmed) ?? trimmed;
                Walk(new DirectoryInfo(trimmed), parent, options, entries);
            }
            else if (File.Exists(full))
            {
                // A file named on the command line is archived by content, even when it is a symbolic link.
                var info = new FileInfo(full);
                var resolved = info.LinkTarget is null ? info : (FileInfo?)info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
                entries.Add(FileEntry(info.Name, resolved, options));
            }
            else
            {
                throw new UsageException($"'{operand}': no such file or directory");
            }
        }

        return entries;
    }

    private static void Walk(DirectoryInfo directory, string parent, CollectOptions options, List<PlannedEntry> entries)
    {
        entries.Add(new PlannedEntry(
            new ArchiveEntry(Relative(parent, directory.FullName), EntryKind.Directory) { LastModified = options.MTime ?? directory.LastWriteTimeUtc, Mode = Permissions(directory) },
            null));
        foreach (var item in directory.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var name = Relative(parent, item.FullName);
            if (item.LinkTarget is { } target)
            {
                entries.Add(new PlannedEntry(new ArchiveEntry(name, EntryKind.SymbolicLink) { LinkTarget = target, LastModified = options.MTime ?? item.LastWriteTimeUtc }, null));
            }
            else if (item is DirectoryInfo sub)
            {
                Walk(sub, parent, options, entries);
            }
            else if (item is FileInfo file && !options.Excluded(file.FullName))
            {
                entries.Add(FileEntry(name, file, options));
            }
        }
    }

    /// <summary>The client for URL sources and manifests.</summary>
    private static readonly HttpClient Http = new();

    /// <summary>The same entry with its CRC-32 declared.</summary>
    public static ArchiveEntry WithCrc(ArchiveEntry e, uint crc) => Copy(e, crc, e.LastModified);

    private static ArchiveEntry WithTime(ArchiveEntry e, DateTimeOffset time) => Copy(e, e.Crc32, time);

    private static ArchiveEntry Copy(ArchiveEntry e, uint? crc, DateTimeOffset? time) => new(e.Name, e.Kind)
    {
        Length = e.Length, Crc32 = crc, LastModified = time, Mode = e.Mode, LinkTarget = e.LinkTarget,
        UserId = e.UserId, GroupId = e.GroupId, UserName = e.UserName, GroupName = e.GroupName,
    };

    private static PlannedEntry FileEntry(string name, FileInfo file, CollectOptions options) => new(
        new ArchiveEntry(name) { Length = file.Length, LastModified = options.MTime ?? file.LastWriteTimeUtc, Mode = Permissions(file) },
        EntrySource.FromFile(file.FullName));

    private static UnixFileMode Permissions(FileSystemInfo info) => OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : (UnixFileMode)((int)info.UnixFileMode & 0xFFF);

    private static string Relative(string parent, string path) => Path.GetRelativePath(parent, path).Replace('\\', '/');
}

/// <summary>What <see cref="SourceCollector"/> needs besides the operands.</summary>
internal sealed record CollectOptions(string StdinName, long? StdinLength, DateTimeOffset? MTime, Func<Stream> OpenStdin, Func<string, bool> Excluded);
