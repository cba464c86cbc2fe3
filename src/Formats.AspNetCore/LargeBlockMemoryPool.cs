using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Formats.AspNetCore;

/// <summary>
/// Kestrel's transport buffers in blocks of <see cref="BlockSize"/> instead of its own 4 KiB. An archive's content
/// goes into Kestrel's response pipe in pieces of up to 256 KiB; with 4 KiB blocks every piece is copied block by
/// block, each block rented, taken under the response's lock and advanced on its own, and sent as a list of 4 KiB
/// buffers. With 64 KiB blocks the same piece is four of each. Blocks are pinned (the socket reads and writes them in
/// place), not cleared (Kestrel's own pool does not clear either), and at most <see cref="MaxRetainedBlocks"/> are kept
/// for reuse; the rest go back to the garbage collector.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The size of every block: the most a loopback or TSO send takes in one segment, and nginx's largest usual buffer.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Blocks kept for reuse (16 MiB per pool); blocks returned beyond it are dropped.</summary>
    public const int MaxRetainedBlocks = 256;

    private readonly ConcurrentQueue<Block> _blocks = new();
    private int _retained;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks kept for reuse now.</summary>
    internal int Retained => Volatile.Read(ref _retained);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_blocks.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            block.Rented();
            return block;
        }

        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing)
    {
        while (_blocks.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _retained);
        }
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _retained) <= MaxRetainedBlocks)
        {
            _blocks.Enqueue(block);
            return;
        }

        Interlocked.Decrement(ref _retained);
    }

    /// <summary>One block; disposing it a second time (a caller's bug) does not put it in the pool twice.</summary>
    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _returned;

        public Memory<byte> Memory => array;

        public void Rented() => Volatile.Write(ref _returned, 0);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                pool.Return(this);
            }
        }
    }

    /// <summary>What Kestrel asks for its pools; one pool per call (Kestrel makes one per transport).</summary>
    internal sealed class Factory : IMemoryPoolFactory<byte>
    {
        private readonly ConcurrentQueue<LargeBlockMemoryPool> _pools = new();

        /// <summary>The pools made so far (for the tests: Kestrel really asked this factory).</summary>
        internal IEnumerable<LargeBlockMemoryPool> Pools => _pools;

        public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
        {
            var pool = new LargeBlockMemoryPool();
            _pools.Enqueue(pool);
            return pool;
        }
    }
}
