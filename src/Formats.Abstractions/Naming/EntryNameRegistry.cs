namespace Formats.Naming;

/// <summary>Applies an <see cref="EntryNamePolicy"/> for one archive: checks and normalises each name and remembers the names used.</summary>
internal sealed partial class EntryNameRegistry(EntryNamePolicy policy)
{
    // Every name used; again, by their collision key (CanonicalDecomposition.FoldKey), the names that differ from their
    // key (a plain lower-case ASCII name is its own key and costs nothing more; the others cost a set slot, not a second
    // string); apart, the few names a hard link may not point at (directories, symbolic links), and the folders that
    // names imply. Sets keep the bytes retained per entry low in archives of millions of files. Folders are prefixes of
    // a key (no string of their own), and every lookup of a name's folders uses prefix hashes found in one walk of the
    // key: checking a name costs time and memory linear in its length, however many levels deep it is.
    private readonly HashSet<string> _used = new(PrefixHash.Instance);
    private readonly HashSet<string> _folded = new(FoldedNameComparer.Instance);
    private readonly HashSet<string> _notLinkable = new(StringComparer.Ordinal);
    private readonly HashSet<NamePrefix> _folders = new(PrefixHash.Instance);

    /// <summary>Room for <paramref name="count"/> names at once: a set grown one name at a time holds up to twice its slots, and both arrays while it grows.</summary>
    public void ExpectEntries(int count) => _used.EnsureCapacity(count);

    /// <summary>
    /// Forgets every name and lets go of the sets' room: an archive of a million names holds tens of megabytes here,
    /// which a writer that is done must not keep for as long as something still refers to it.
    /// </summary>
    public void Release()
    {
        foreach (var set in (HashSet<string>[])[_used, _folded, _notLinkable])
        {
            set.Clear();
            set.TrimExcess();
        }

        _folders.Clear();
        _folders.TrimExcess();
    }

    /// <summary>
    /// Returns the normalised name ('/' separators, no trailing '/'), registered as used. Throws
    /// <see cref="InvalidEntryNameException"/> for a refused name; a refused name is not registered.
    /// </summary>
    public string Register(string name, EntryKind kind)
    {
        var normalized = Normalize(name, kind);
        var key = Key(normalized);
        var newFolders = CheckFolders(name, normalized, key, kind);
        if (Use(normalized, key, kind, out var earlier))
        {
            AddFolders(newFolders, key, kind);
            return normalized;
        }

        if (policy.Duplicates == DuplicateNameHandling.Refuse)
        {
            throw earlier == normalized
                ? new InvalidEntryNameException(name, EntryNameRule.Duplicate, "an earlier entry has the same name")
                : new InvalidEntryNameException(name, EntryNameRule.Collision, $"the earlier entry '{earlier}' differs only in case, Unicode normalization, final sigma or trailing dots and spaces, so one would overwrite the other where they are extracted on Windows or macOS");
        }

        var slash = normalized.LastIndexOf('/');
        var dot = normalized.LastIndexOf('.');
        var stem = dot > slash + 1 ? normalized[..dot] : normalized;
        var extension = dot > slash + 1 ? normalized[dot..] : "";
        for (var i = 1; ; i++)
        {
            var candidate = $"{stem} ({i}){extension}";
            var candidateKey = Key(candidate);
            if (Use(candidate, candidateKey, kind, out _))
            {
                AddFolders(newFolders, candidateKey, kind);
                return candidate;
            }
        }
    }

    private string Key(string normalized) => policy.AllowCollidingNames ? normalized : CanonicalDecomposition.FoldKey(normalized);

    private bool Use(string name, string key, EntryKind kind, out string earlier)
    {
        if (_used.Contains(name))
        {
            earlier = name;
            return false;
        }

        // An earlier name with this key is either the key itself, or one of the names that differ from their key. The
        // key's hash is needed only where such names exist or this is one (not for an archive of lower-case names).
        var keyed = key == name && _folded.Count == 0 ? default : NamePrefix.Of(key);
        if ((key != name && _used.Contains(key)) || (_folded.Count > 0 && _folded.GetAlternateLookup<NamePrefix>().Contains(keyed)))
        {
            earlier = EarlierWithKey(key);
            return false;
        }

        _used.Add(name);
        if (key != name)
        {
            _folded.GetAlternateLookup<FoldedName>().Add(new FoldedName(name, keyed));
        }

        earlier = name;
        if (kind is not (EntryKind.File or EntryKind.HardLink))
        {
            _notLinkable.Add(name);
        }

        return true;
    }

    /// <summary>True when an earlier entry has the collision key <paramref name="key"/>.</summary>
    private bool Taken(NamePrefix key) =>
        _used.GetAlternateLookup<NamePrefix>().Contains(key) || _folded.GetAlternateLookup<NamePrefix>().Contains(key);

    /// <summary>The earlier name with collision key <paramref name="key"/>, for a refusal's message (a search: refusals are rare).</summary>
    private string EarlierWithKey(string key) => _used.Contains(key) ? key : _used.First(n => Key(n) == key);

    /// <summary>
    /// Refuses a file (or link) where earlier names imply a folder, and a name below an earlier file (or link): the two
    /// cannot both be extracted, and below a symbolic link the content would land wherever the link points. Returns the
    /// folders this name implies that are not known yet.
    /// </summary>
    private List<NamePrefix>? CheckFolders(string name, string normalized, string key, EntryKind kind)
    {
        if (policy.AllowCollidingNames)
        {
            return null;
        }

        // The key's folders with their hashes, from one walk of the key; then looked up deepest first, up to the
        // first folder already known (its own folders are known too).
        var folders = new List<NamePrefix>(key.AsSpan().Count('/'));
        long hash = 0;
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '/')
            {
                folders.Add(new NamePrefix(key, i, hash));
            }

            hash = PrefixHash.Step(hash, key[i]);
        }

        if (kind != EntryKind.Directory && _folders.Contains(new NamePrefix(key, key.Length, hash)))
        {
            throw new InvalidEntryNameException(name, EntryNameRule.Collision, $"earlier entries lie in a folder '{normalized}', so a {kind} of that name cannot be extracted beside them");
        }

        var known = folders.Count;
        while (known > 0 && !_folders.Contains(folders[known - 1]))
        {
            if (Taken(folders[known - 1]))
            {
                throw new InvalidEntryNameException(name, EntryNameRule.Collision, $"the earlier entry '{EarlierWithKey(folders[known - 1].Span.ToString())}' is not a folder, so nothing can be extracted below it");
            }

            known--;
        }

        folders.RemoveRange(0, known);
        return folders;
    }

    private void AddFolders(List<NamePrefix>? newFolders, string key, EntryKind kind)
    {
        if (policy.AllowCollidingNames)
        {
            return;
        }

        if (kind == EntryKind.Directory)
        {
            _folders.Add(NamePrefix.Of(key));
        }

        foreach (var folder in newFolders ?? [])
        {
            _folders.Add(folder);
        }
    }

    /// <summary>A hard link's target must name an earlier file entry of this archive (after normalisation).</summary>
    public string CheckHardLinkTarget(string entryName, string normalizedName, string target)
    {
        var t = target.Replace('\\', '/');
        if (t == normalizedName || !_used.Contains(t) || _notLinkable.Contains(t))
        {
            throw new InvalidEntryNameException(entryName, EntryNameRule.LinkEscapesArchive, $"hard link target '{target}' is not an earlier file entry of the archive");
        }

        return t;
    }
}
