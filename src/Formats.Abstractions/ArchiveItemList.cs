using System.Collections;

namespace Formats;

/// <summary>
/// Items no one can change, which the library's own types (a manifest's parse, <c>ArchiveResult</c>, a plan) hand on
/// to each other as they are: each takes a copy of any other list, so a manifest of 100,000 members holds one array of
/// them, not one per layer.
/// </summary>
internal sealed class ArchiveItemList : IFixedArchiveItems
{
    private readonly ArchiveItem[] _items;

    private ArchiveItemList(ArchiveItem[] items) => _items = items;

    public int Count => _items.Length;

    public ArchiveItem this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_items.Length, nameof(index));
            return _items[index];
        }
    }

    /// <summary><paramref name="items"/> itself when no one can change it (<see cref="IFixedArchiveItems"/>), else a copy of it.</summary>
    public static IReadOnlyList<ArchiveItem> From(IEnumerable<ArchiveItem> items) => items as IFixedArchiveItems ?? new ArchiveItemList([.. items]);

    public IEnumerator<ArchiveItem> GetEnumerator() => ((IEnumerable<ArchiveItem>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A list of items that no one can change, taken as it is by <see cref="ArchiveItemList.From"/>: the library's own lists,
/// and read-ahead's, whose items are made as they are read.
/// </summary>
internal interface IFixedArchiveItems : IReadOnlyList<ArchiveItem>;
