namespace Formats.Zip;

/// <summary>
/// The central directory records kept until the archive is complete, in blocks of 1,024: unlike a growing list there
/// is no doubling slack per entry and no copy of millions of records into ever larger arrays. Owner ids and comments,
/// which only some archives have, are kept apart, so that archives without them pay nothing per entry for them.
/// </summary>
internal sealed class CentralDirectoryRecords
{
    private const int BlockSize = 1024;

    private readonly List<CentralDirectoryEntry[]> _blocks = [];
    private Dictionary<int, UnixOwner>? _owners;
    private Dictionary<int, byte[]>? _comments;

    public int Count { get; private set; }

    public void Add(CentralDirectoryEntry entry, UnixOwner owner, byte[]? comment)
    {
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

    /// <summary>The records in the order they were added, each with its owner ids (or <see cref="UnixOwner.None"/>) and comment (or null).</summary>
    public IEnumerable<(CentralDirectoryEntry Entry, UnixOwner Owner, byte[]? Comment)> InOrder()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return (_blocks[i / BlockSize][i % BlockSize], _owners?.GetValueOrDefault(i, UnixOwner.None) ?? UnixOwner.None, _comments?.GetValueOrDefault(i));
        }
    }
}
