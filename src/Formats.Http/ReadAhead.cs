using Formats.Streaming;

namespace Formats.Http;

/// <summary>
/// Hides per-entry latency (remote sources that take a round trip before their first byte): while one entry streams,
/// the next <see cref="Depth"/> are already being opened and read into bounded buffers, at most
/// <c>bufferBytesPerEntry</c> each, within a <see cref="ReadAheadBudget"/> shared by every archive of the process
/// (<see cref="ReadAheadBudget.Shared"/> unless given). Wrap the items with <see cref="Create(IEnumerable{ArchiveItem}, int, int)"/>,
/// write <see cref="Items"/>, then dispose, which stops and releases whatever was read ahead and not used. Sources
/// opened at an offset (byte ranges) bypass it; a range write whose window is known reads ahead only entries whose
/// content lies inside the window. An HTTP entry whose buffer stays full (<see cref="HttpSourceOptions.ParkedConnectionLimit"/>) lets go of its connection when its server can
/// resume it (a validator and <c>Accept-Ranges: bytes</c>) and asks for the rest from there on its turn; others keep
/// theirs until then.
/// </summary>
public sealed partial class ReadAhead : IAsyncDisposable
{
    private readonly Dictionary<int, Prefetch> _prefetches = [];
    private readonly Lock _lock = new();
    private readonly int _bufferBytes;
    private readonly ReadAheadBudget _budget;

    /// <summary>Which entries may be opened ahead (by index): those a range needs; null: every entry.</summary>
    private readonly Func<int, bool>? _needed;

    /// <summary>The items as given: each is wrapped when it is read from <see cref="Items"/>.</summary>
    private readonly IReadOnlyList<ArchiveItem> _items;

    private readonly CancellationTokenSource _stop = new();
    private volatile bool _disposed;

    /// <summary>The last entry whose own turn came: entries up to it are never opened ahead.</summary>
    private int _reached = -1;

    private ReadAhead(IEnumerable<ArchiveItem> items, int depth, int bufferBytes, ReadAheadBudget budget, Func<int, bool>? needed)
    {
        Depth = depth;
        _bufferBytes = bufferBytes;
        _budget = budget;
        _needed = needed;
        _items = ArchiveItemList.From(items);
        Items = new WrappedItems(this);
    }

    /// <summary>How many entries ahead are opened.</summary>
    public int Depth { get; }

    /// <summary>
    /// The items with read-ahead sources, in the same order. Each item is wrapped when it is read (a copy of the item
    /// over a source that reads ahead), so an archive of 100,000 members holds no second set of them while it is
    /// written; two reads of one item give two equal wrappers over the same read-ahead.
    /// </summary>
    public IReadOnlyList<ArchiveItem> Items { get; }

    /// <summary>Wraps <paramref name="items"/>: up to <paramref name="depth"/> entries ahead, at most <paramref name="bufferBytesPerEntry"/> buffered each, within <see cref="ReadAheadBudget.Shared"/>.</summary>
    public static ReadAhead Create(IEnumerable<ArchiveItem> items, int depth = 4, int bufferBytesPerEntry = 256 * 1024) =>
        Create(items, depth, bufferBytesPerEntry, ReadAheadBudget.Shared);

    /// <summary>Wraps <paramref name="items"/>: up to <paramref name="depth"/> entries ahead, at most <paramref name="bufferBytesPerEntry"/> buffered each, within <paramref name="budget"/>.</summary>
    public static ReadAhead Create(IEnumerable<ArchiveItem> items, int depth, int bufferBytesPerEntry, ReadAheadBudget budget) =>
        Create(items, depth, bufferBytesPerEntry, budget, needed: null);

    /// <summary>As the public overloads; <paramref name="needed"/> tells which entries (by index) may be opened ahead (null: all).</summary>
    internal static ReadAhead Create(IEnumerable<ArchiveItem> items, int depth, int bufferBytesPerEntry, ReadAheadBudget budget, Func<int, bool>? needed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytesPerEntry, 4096);
        return new ReadAhead(items, depth, bufferBytesPerEntry, budget, needed);
    }

    /// <summary>Stops every read-ahead still running and releases its buffer and source.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        Prefetch[] left;
        lock (_lock)
        {
            left = [.. _prefetches.Values];
            _prefetches.Clear();
        }

        foreach (var prefetch in left)
        {
            await prefetch.AbandonAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>Entry <paramref name="index"/>'s turn came: start the ones after it that may be read ahead, while the budget lasts.</summary>
    private void StartAfter(int index)
    {
        for (var next = index + 1; next <= index + Depth && next < _items.Count; next++)
        {
            if (_items[next].Source is not { } source || (_needed is { } needed && !needed(next)))
            {
                continue;
            }

            lock (_lock)
            {
                if (_disposed || next <= _reached || _prefetches.ContainsKey(next))
                {
                    continue;
                }

                if (!_budget.TryTake(_bufferBytes))
                {
                    return; // spent: this entry and the ones after it open when their turn comes
                }

                _prefetches[next] = new Prefetch(this, next, source, _bufferBytes, _budget, _stop.Token);
            }
        }
    }

    /// <summary>The entry's turn came: its read-ahead, if it has one (then no longer counted ahead).</summary>
    private Prefetch? Reach(int index)
    {
        lock (_lock)
        {
            _reached = Math.Max(_reached, index);
            return _prefetches.GetValueOrDefault(index);
        }
    }

    /// <summary>A read-ahead done with (its stream disposed, or never to be used): it no longer needs stopping at the end.</summary>
    private void Forget(Prefetch prefetch)
    {
        lock (_lock)
        {
            if (_prefetches.TryGetValue(prefetch.Index, out var known) && known == prefetch)
            {
                _prefetches.Remove(prefetch.Index);
            }
        }
    }

    /// <summary><see cref="Items"/>: item <c>i</c> over a <see cref="PrefetchingSource"/>, made when it is read.</summary>
    private sealed class WrappedItems(ReadAhead owner) : IFixedArchiveItems
    {
        public int Count => owner._items.Count;

        public ArchiveItem this[int index]
        {
            get
            {
                var item = owner._items[index]; // out of range: the items' own ArgumentOutOfRangeException
                return item.Source is { } source ? item with { Source = new PrefetchingSource(owner, index, source) } : item;
            }
        }

        public IEnumerator<ArchiveItem> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// An entry's source that takes what was read ahead for it on its turn. Equal to another over the same read-ahead,
    /// entry and source, as two reads of one item of <see cref="Items"/> make.
    /// </summary>
    private sealed class PrefetchingSource(ReadAhead owner, int index, EntrySource inner) : EntrySource
    {
        private ReadAhead Owner => owner;

        private int Index => index;

        private EntrySource Inner => inner;

        public override bool Equals(object? obj) => obj is PrefetchingSource other && other.Owner == owner && other.Index == index && Equals(other.Inner, inner);

        public override int GetHashCode() => HashCode.Combine(owner, index, inner);

        public override long? Length => inner.Length;

        public override DateTimeOffset? LastModified => inner.LastModified;

        public override string? Location => inner.Location;

        public override SparseMap? SparseMap => inner.SparseMap;

        public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => inner.GetIdentityAsync(cancellationToken);

        public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
        {
            if (owner._disposed || owner.Depth == 0)
            {
                return await inner.OpenAsync(offset, cancellationToken).ConfigureAwait(false);
            }

            var prefetch = owner.Reach(index);
            if (prefetch is not null && offset != 0)
            {
                // Read ahead from 0 and wanted from elsewhere: dropped, and opened where wanted.
                owner.Forget(prefetch);
                await prefetch.AbandonAsync().ConfigureAwait(false);
                prefetch = null;
            }

            if (prefetch is not null)
            {
                owner.StartAfter(index);
                return await prefetch.TakeAsync(cancellationToken).ConfigureAwait(false);
            }

            // Not read ahead (the first entry, a range's first, or the budget was spent): opened now, the next ones started meanwhile.
            var opening = inner.OpenAsync(offset, cancellationToken);
            if (offset == 0 || owner._needed is not null)
            {
                owner.StartAfter(index);
            }

            return await opening.ConfigureAwait(false);
        }
    }
}
