namespace Formats;

/// <summary>A run of a sparse file that holds data: <paramref name="Length"/> bytes from <paramref name="Offset"/>.</summary>
public readonly record struct SparseRegion(long Offset, long Length);

/// <summary>
/// Where a sparse file's data is: its regions, in order and apart, and the file's real (apparent) size. Everything
/// between and after the regions is a hole, which reads as zeros and takes no space. A source with a map delivers only
/// the regions' bytes, one after another (<see cref="EntrySource.SparseMap"/>); tar writes such an entry as a GNU sparse
/// 1.0 member (docs/format-decisions.md, "Sparse files").
/// </summary>
public sealed class SparseMap
{
    /// <summary>A map of <paramref name="regions"/> (in increasing order, not overlapping, inside the file) of a file of <paramref name="realSize"/> bytes.</summary>
    /// <exception cref="ArgumentException">A region is negative, out of order, overlaps the one before, or ends after <paramref name="realSize"/>.</exception>
    public SparseMap(IEnumerable<SparseRegion> regions, long realSize)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentOutOfRangeException.ThrowIfNegative(realSize);
        var list = new List<SparseRegion>();
        long end = 0;
        long data = 0;
        foreach (var region in regions)
        {
            if (region.Offset < 0 || region.Length < 0)
            {
                throw new ArgumentException($"region {list.Count} ({region.Offset}, {region.Length}): offset and length must not be negative", nameof(regions));
            }

            if (region.Offset < end)
            {
                throw new ArgumentException($"region {list.Count} starts at {region.Offset}, before the end of the region before it ({end}): regions must be in order and apart", nameof(regions));
            }

            if (region.Length > realSize - region.Offset)
            {
                throw new ArgumentException($"region {list.Count} ({region.Offset}, {region.Length}) ends after the file's real size of {realSize} bytes", nameof(regions));
            }

            end = region.Offset + region.Length;
            data += region.Length;
            list.Add(region);
        }

        Regions = list;
        RealSize = realSize;
        DataLength = data;
    }

    /// <summary>The data regions, in file order.</summary>
    public IReadOnlyList<SparseRegion> Regions { get; }

    /// <summary>The file's real size: what extraction restores, holes included.</summary>
    public long RealSize { get; }

    /// <summary>The bytes of data: the sum of the regions' lengths, what a sparse source delivers.</summary>
    public long DataLength { get; }

    /// <summary>True when the regions leave some of the file out (a file without holes is written as an ordinary file).</summary>
    public bool HasHoles => DataLength < RealSize;

    /// <summary>True when <paramref name="other"/> describes the same regions of a file of the same size.</summary>
    internal bool SameAs(SparseMap other) => RealSize == other.RealSize && Regions.SequenceEqual(other.Regions);
}
