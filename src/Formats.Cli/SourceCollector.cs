using Formats.Http;

namespace Formats.Cli;

/// <summary>One entry to write, with where its content comes from.</summary>
internal sealed record PlannedEntry(ArchiveEntry Entry, EntrySource? Source);

/// <summary>
/// Turns SOURCE operands into entries, before anything is written (so a missing file fails with nothing written):
/// a file is one entry named by its file name; a directory is walked recursively, in ordinal order, with names relative
/// to its parent (so "docs" yields "docs/..."); symbolic links inside a directory stay links; devices and FIFOs are
/// entries of their kind where the format holds them (tar), never opened; "-" is standard input.
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
                var stdin = Owned(new ArchiveEntry(options.StdinName) { LastModified = options.MTime, Length = options.StdinLength }, options.Owner.For(null));
                entries.Add(new PlannedEntry(stdin, EntrySource.FromStream(options.OpenStdin())));

                continue;
            }

            if (operand.StartsWith('@'))
            {
                // A manifest: mod_zip lines or JSON lines; local paths are the user's own files here.
                var owner = options.Owner.For(null);
                entries.AddRange(ReadManifest(operand[1..])
                    .Select(i => new PlannedEntry(Owned(options.MTime is { } t ? WithTime(i.Entry, t) : i.Entry, owner), i.Source)));
                continue;
            }

            if (Uri.TryCreate(operand, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                var name = Uri.UnescapeDataString(url.Segments[^1]);
                if (name.Length == 0 || name == "/")
                {
                    throw new UsageException($"'{operand}': the URL has no file name to name its entry; use a manifest (@FILE) to name it");
                }

                entries.Add(new PlannedEntry(Owned(new ArchiveEntry(name) { LastModified = options.MTime }, options.Owner.For(null)), EntrySource.FromUrl(Http, url)));
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
                var stat = UnixFileType.Stat(resolved.FullName);
                if (options.SpecialFiles && stat is { SpecialKind: { } kind } special)
                {
                    // tar holds devices and FIFOs as what they are; they are never opened (open(2) of a FIFO waits).
                    entries.Add(SpecialEntry(info.Name, kind, special, options.MTime ?? resolved.LastWriteTimeUtc, options));
                    continue;
                }

                if (stat?.OtherType is { } type)
                {
                    // open(2) of a FIFO waits for a writer, forever; a device or socket is no file to archive.
                    throw new UsageException($"'{operand}' is {type}, not a regular file; to archive what it gives, pipe it in as standard input: formats ... --stdin-name NAME - < '{operand}'");
                }

                entries.Add(FileEntry(info.Name, resolved, stat, options));
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
        var self = new ArchiveEntry(Relative(parent, directory.FullName), EntryKind.Directory) { LastModified = options.MTime ?? directory.LastWriteTimeUtc, Mode = Permissions(directory) };
        entries.Add(new PlannedEntry(Owned(self, options.Owner.For(UnixFileType.Stat(directory.FullName))), null));
        foreach (var item in directory.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var name = Relative(parent, item.FullName);
            if (item.LinkTarget is { } target)
            {
                var link = new ArchiveEntry(name, EntryKind.SymbolicLink) { LinkTarget = target, LastModified = options.MTime ?? item.LastWriteTimeUtc };
                entries.Add(new PlannedEntry(Owned(link, options.Owner.For(UnixFileType.LinkStat(item.FullName))), null));
            }
            else if (item is DirectoryInfo sub)
            {
                Walk(sub, parent, options, entries);
            }
            else if (item is FileInfo file && !options.Excluded(file.FullName))
            {
                var stat = UnixFileType.LinkStat(file.FullName);
                if (options.SpecialFiles && stat is { SpecialKind: { } kind } special)
                {
                    entries.Add(SpecialEntry(name, kind, special, options.MTime ?? file.LastWriteTimeUtc, options));
                    continue;
                }

                if (stat?.OtherType is { } type)
                {
                    // Like GNU tar's "socket ignored" and Info-ZIP's "ignoring FIFO": opening a FIFO would wait forever.
                    options.Warn($"'{name}' skipped: {type}, not a regular file");
                    continue;
                }

                entries.Add(FileEntry(name, file, stat, options));
            }
        }
    }

    /// <summary>
    /// The entries of the manifest at <paramref name="path"/>. Errors name the manifest, and the line in a
    /// <see cref="FormatException"/> from the parser: "manifest 'PATH' line N: ...".
    /// </summary>
    private static IReadOnlyList<ArchiveItem> ReadManifest(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"manifest '{path}': {ex.Message}", ex);
        }

        return ArchiveManifest.Parse(
            text,
            Http,
            baseUri: null,
            openPath: (file, _) => UnixFileType.Stat(file)?.OtherType is { } type
                ? throw new FormatException($"'{file}' is {type}, not a regular file")
                : EntrySource.FromFile(file),
            label: $"manifest '{path}'");
    }

    /// <summary>The client for URL sources and manifests: the one member client (<see cref="MemberClient"/>).</summary>
    private static HttpClient Http => MemberClient.Instance;

    /// <summary>The same entry with its CRC-32 declared.</summary>
    public static ArchiveEntry WithCrc(ArchiveEntry e, uint crc) => Copy(e, crc, e.LastModified);

    private static ArchiveEntry WithTime(ArchiveEntry e, DateTimeOffset time) => Copy(e, e.Crc32, time);

    /// <summary>The same entry with <paramref name="owner"/>'s ids and names where it sets them.</summary>
    private static ArchiveEntry Owned(ArchiveEntry e, Owner owner) => owner == default ? e : Copy(e, e.Crc32, e.LastModified, new Owner(
        owner.UserId ?? e.UserId, owner.GroupId ?? e.GroupId, owner.UserName ?? e.UserName, owner.GroupName ?? e.GroupName));

    private static ArchiveEntry Copy(ArchiveEntry e, uint? crc, DateTimeOffset? time, Owner? owner = null)
    {
        var (userId, groupId, userName, groupName) = owner ?? new Owner(e.UserId, e.GroupId, e.UserName, e.GroupName);
        return new(e) { Crc32 = crc, LastModified = time, UserId = userId, GroupId = groupId, UserName = userName, GroupName = groupName };
    }

    /// <summary>A file's entry; with --sparse, read as a sparse file (only its data regions, when it has holes).</summary>
    private static PlannedEntry FileEntry(string name, FileInfo file, UnixStat? stat, CollectOptions options) => new(
        Owned(new ArchiveEntry(name) { Length = file.Length, LastModified = options.MTime ?? file.LastWriteTimeUtc, Mode = Permissions(file) }, options.Owner.For(stat)),
        options.Sparse ? EntrySource.FromSparseFile(file.FullName) : EntrySource.FromFile(file.FullName));

    /// <summary>A device or FIFO as its own entry, with stat's numbers: nothing to read.</summary>
    private static PlannedEntry SpecialEntry(string name, EntryKind kind, UnixStat stat, DateTimeOffset time, CollectOptions options)
    {
        var device = kind is EntryKind.CharacterDevice or EntryKind.BlockDevice;
        var entry = new ArchiveEntry(name, kind)
        {
            LastModified = time,
            Mode = (UnixFileMode)(stat.Mode & 0xFFF),
            DeviceMajor = device ? stat.DeviceMajor : null,
            DeviceMinor = device ? stat.DeviceMinor : null,
        };
        return new PlannedEntry(Owned(entry, options.Owner.For(stat)), null);
    }

    private static UnixFileMode Permissions(FileSystemInfo info) => OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : (UnixFileMode)((int)info.UnixFileMode & 0xFFF);

    private static string Relative(string parent, string path) => Path.GetRelativePath(parent, path).Replace('\\', '/');
}

/// <summary>What <see cref="SourceCollector"/> needs besides the operands.</summary>
/// <param name="Warn">Told, in one line, of what a folder holds that is left out (sockets; for zip, FIFOs and devices too).</param>
/// <param name="SpecialFiles">True when the format holds devices and FIFOs (tar): they become entries of their kind instead of being left out.</param>
/// <param name="Sparse">True to read files as sparse files (tar's --sparse): only their data regions.</param>
internal sealed record CollectOptions(string StdinName, long? StdinLength, DateTimeOffset? MTime, Func<Stream> OpenStdin, Func<string, bool> Excluded, FileOwner Owner, Action<string> Warn, bool SpecialFiles = false, bool Sparse = false);
