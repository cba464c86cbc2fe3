namespace Formats.Streaming;

/// <summary>The window: the archive bytes this output produces (all of them, none, or one range); the rest is only counted.</summary>
internal sealed partial class ArchiveOutput
{
    /// <summary>True when archive bytes [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) overlap the window.</summary>
    public bool Overlaps(long start, long length) =>
        _window is not { } w || (start < w.End && start + length > w.Start && length > 0);

    /// <summary>The window, for working out which part of an entry's content it needs.</summary>
    public (long Start, long End) Window => _window ?? (0, long.MaxValue);

    /// <summary>The window is empty (a measure, or a range run that only lays out): no byte will ever be written.</summary>
    public bool WritesNothing => _window is { } w && w.Start >= w.End;

    /// <summary>Accounts for <paramref name="count"/> archive bytes outside the window without producing them.</summary>
    public void Skip(long count)
    {
        if (_window is null || Overlaps(Position, count))
        {
            throw new InvalidOperationException($"bytes {Position}..{Position + count} are inside the window; they must be written");
        }

        Position += count;
    }
}
