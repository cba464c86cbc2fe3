namespace Formats.Http;

/// <summary>
/// What read-ahead may hold at once across every archive that shares this budget: upstream connections opened ahead
/// of their entry's turn, and bytes buffered ahead. Each entry read ahead takes one connection and its whole buffer
/// (<c>bufferBytesPerEntry</c>) when it is opened; the connection comes back when the entry's turn comes (or when its
/// fetch ends, or when its buffer is full and its body can be asked for again from there, so it lets go of it), the bytes once what was buffered has been read. When the budget is spent, entries are simply opened
/// when their turn comes, as without read-ahead. Without a cap, 200 downloads at depth 4 held some 1,000 upstream
/// connections whose unread data put the kernel's TCP memory under pressure and stalled healthy members.
/// </summary>
public sealed class ReadAheadBudget
{
    /// <summary>The default most connections opened ahead at once: 64.</summary>
    public const int DefaultMaxConnections = 64;

    /// <summary>The default most bytes buffered ahead at once: 16 MiB (64 entries of 256 KiB).</summary>
    public const long DefaultMaxBufferedBytes = 16 * 1024 * 1024;

    private readonly Lock _lock = new();
    private int _connections;
    private long _bytes;

    /// <summary>A budget of <paramref name="maxConnections"/> connections and <paramref name="maxBufferedBytes"/> bytes (0 and 0: no read-ahead).</summary>
    public ReadAheadBudget(int maxConnections = DefaultMaxConnections, long maxBufferedBytes = DefaultMaxBufferedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxConnections);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBufferedBytes);
        MaxConnections = maxConnections;
        MaxBufferedBytes = maxBufferedBytes;
    }

    /// <summary>The budget of every archive that names none: the defaults, shared by the whole process.</summary>
    public static ReadAheadBudget Shared { get; } = new();

    /// <summary>The most upstream connections opened ahead at once.</summary>
    public int MaxConnections { get; }

    /// <summary>The most bytes buffered ahead at once.</summary>
    public long MaxBufferedBytes { get; }

    /// <summary>Connections opened ahead now.</summary>
    internal int Connections
    {
        get
        {
            lock (_lock)
            {
                return _connections;
            }
        }
    }

    /// <summary>Bytes reserved for buffers ahead now.</summary>
    internal long BufferedBytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Takes one connection and <paramref name="bytes"/>, or nothing when either would pass its maximum.</summary>
    internal bool TryTake(long bytes)
    {
        lock (_lock)
        {
            if (_connections >= MaxConnections || _bytes + bytes > MaxBufferedBytes)
            {
                return false;
            }

            _connections++;
            _bytes += bytes;
            return true;
        }
    }

    internal void ReturnConnection()
    {
        lock (_lock)
        {
            _connections--;
        }
    }

    internal void ReturnBytes(long bytes)
    {
        lock (_lock)
        {
            _bytes -= bytes;
        }
    }
}
