using System.Collections.Concurrent;

namespace Formats;

/// <summary>
/// A <see cref="ICrcStore"/> in this process's memory, holding at most <see cref="Capacity"/> identities (about 200 bytes
/// each): past that, the store starts over empty rather than grow. Lost on restart; see the SQLite and distributed
/// stores for resumes that survive one.
/// </summary>
public sealed class MemoryCrcStore(int capacity = 100_000) : ICrcStore
{
    private readonly ConcurrentDictionary<string, uint> _crcs = new(StringComparer.Ordinal);

    /// <summary>The most identities held at once.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Identities held now.</summary>
    public int Count => _crcs.Count;

    /// <inheritdoc/>
    public ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return ValueTask.FromResult(_crcs.TryGetValue(identity, out var crc) ? crc : (uint?)null);
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (_crcs.Count >= Capacity && !_crcs.ContainsKey(identity))
        {
            _crcs.Clear();
        }

        _crcs[identity] = crc;
        return ValueTask.CompletedTask;
    }
}
