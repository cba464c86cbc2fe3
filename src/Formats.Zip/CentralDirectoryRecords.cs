namespace Formats.Zip;

/// <summary>
/// The central directory records kept until the archive is complete, in blocks of 1,024: unlike a growing list there
/// is no doubling slack per entry and no copy of millions of records into ever larger arrays. Owner ids, comments and
/// Unicode Path extra fields, which only some archives have, are kept apart, so that archives without them pay nothing
/// per entry for them. A run that writes nothing (a measure: a HEAD's length, a plan's ranges) keeps only their count
/// and length, not some 120 bytes a member.
/// </summary>
internal sealed class CentralDirectoryRecords(bool keepRecords, bool alwaysZip64)
{
    private const int BlockSize = 1024;

    private readonly List<CentralDirectoryEntry[]> _blocks = [];
    private Dictionary<int, UnixOwner>? _owners;
    private Dictionary<int, byte[]>? _comments;
    private Dictionary<int, byte[]>? _unicodePaths;

    private long _length;

    public int Count { get; private set; }

    /// <summary>The records' length when they are only counted (null: they are kept, to be written).</summary>
    public long? CountedLength => keepRecords ? null : _length;

    /// <summary>Lets go of the records (the writer is done with them); the count and length stay.</summary>
    public void Release()
    {
        _blocks.Clear();
        _blocks.TrimExcess();
        _owners = null;
        _comments = null;
        _unicodePaths = null;
    }

    public void Add(CentralDirectoryEntry entry, UnixOwner owner, byte[]? comment, byte[]? unicodePath = null)
    {
        if (!keepRecords)
        {
            _length += entry.Length(alwaysZip64, owner, comment, unicodePath);
            Count++;
            return;
        }

        if (unicodePath is not null)
        {
            (_unicodePaths ??= [])[Count] = unicodePath;
        }

        if (owner != UnixOwner.None)
        {
            (_owners ??= [])[Count] = owner;
        }

        if (comment is not null)
        {
            (_comments ??= [])[Count] = comment;
        }

        var at = Count % BlockSize;
        if (at == 0)
        {
            _blocks.Add(new CentralDirectoryEntry[BlockSize]);
        }

        _blocks[^1][at] = entry;
        Count++;
    }

    /// <summary>
    /// The records in the order they were added, each with its owner ids (or <see cref="UnixOwner.None"/>), comment and
    /// Unicode Path extra field (or null).
    /// </summary>
    public IEnumerable<(CentralDirectoryEntry Entry, UnixOwner Owner, byte[]? Comment, byte[]? UnicodePath)> InOrder()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return (_blocks[i / BlockSize][i % BlockSize], _owners?.GetValueOrDefault(i, UnixOwner.None) ?? UnixOwner.None, _comments?.GetValueOrDefault(i), _unicodePaths?.GetValueOrDefault(i));
        }
    }
}
