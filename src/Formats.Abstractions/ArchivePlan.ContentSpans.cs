namespace Formats;

/// <summary>Where each entry's content lies in the archive: what a range needs, known before any source is opened.</summary>
public abstract partial class ArchivePlan
{
    /// <summary>Where each entry's content lies in the archive, noted by the measuring run of ranges (the list it filled, sized for every item).</summary>
    private List<(long Start, long Length)>? _contentSpans;

    /// <summary>
    /// Which entries have content inside archive bytes [<paramref name="start"/>, <paramref name="end"/>) (by index in
    /// <see cref="Items"/>): the sources a range write opens where the range needs their bytes. A zip entry without a
    /// CRC-32 may also be read for its checksum; that one is opened on its turn. Null until the plan was measured for
    /// ranges (<see cref="PredictRangeableLengthAsync"/>).
    /// </summary>
    internal Func<int, bool>? ContentInside(long start, long end)
    {
        if (_contentSpans is not { } spans)
        {
            return null;
        }

        return index => (uint)index < (uint)spans.Count
            && spans[index] is var (at, length)
            && length > 0 && at < end && at + length > start;
    }
}
