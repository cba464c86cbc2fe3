using System.Runtime.CompilerServices;
using Formats.Zip.Encryption;

namespace Formats.Zip.Encoding;

/// <summary>
/// One member's deflate encoder: gathers plain bytes into <see cref="DeflateChunks.ChunkSize"/> chunks and compresses
/// each as an independent chunk (<see cref="DeflateChunks"/>), on up to <c>parallelism</c> worker threads, writing
/// their output to the archive in order. Memory is bounded by the chunks in flight (parallelism + 1, each 1 MiB plain
/// and its compressed form). With a parallelism of 1 every chunk is compressed on the caller's flow; the bytes are the same.
/// </summary>
internal sealed class ChunkedDeflater(MemberOutput output, BufferLedger ledger, int level, int parallelism) : IZipEncoder
{
    private readonly Queue<Task<PooledBuffer>> _inFlight = new();
    private byte[]? _chunk;
    private int _filled;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            // A full chunk goes out only once more bytes follow it, so the member's last chunk is always the final one.
            if (_filled == DeflateChunks.ChunkSize)
            {
                await SubmitAsync(final: false, cancellationToken).ConfigureAwait(false);
            }

            _chunk ??= ledger.Rent(DeflateChunks.ChunkSize);
            var take = Math.Min(DeflateChunks.ChunkSize - _filled, data.Length);
            data.Span[..take].CopyTo(_chunk.AsSpan(_filled));
            _filled += take;
            data = data[take..];
        }
    }

    ValueTask IZipEncoder.FinishAsync(long length, CancellationToken cancellationToken) => FinishAsync(cancellationToken);

    /// <summary>Compresses the last chunk and writes everything still in flight.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        await SubmitAsync(final: true, cancellationToken).ConfigureAwait(false);
        await WriteOutAsync(keep: 0, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SubmitAsync(bool final, CancellationToken cancellationToken)
    {
        var chunk = _chunk;
        var filled = _filled;
        _chunk = null;
        _filled = 0;
        if (parallelism == 1)
        {
            await WriteOutAsync(Compress(ledger, chunk, filled, level, final), cancellationToken).ConfigureAwait(false);
            return;
        }

        _inFlight.Enqueue(Task.Run(() => Compress(ledger, chunk, filled, level, final), CancellationToken.None));

        // One more than the workers, so that a worker finds the next chunk waiting while this flow writes.
        await WriteOutAsync(keep: parallelism, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compresses a chunk and gives its plain bytes back to the pool.</summary>
    private static PooledBuffer Compress(BufferLedger ledger, byte[]? chunk, int filled, int level, bool final)
    {
        try
        {
            return DeflateChunks.Compress(ledger, chunk.AsSpan(0, filled), level, final);
        }
        finally
        {
            if (chunk is not null)
            {
                ledger.Return(chunk);
            }
        }
    }

    /// <summary>The member is abandoned: waits for the chunks in flight and gives back every buffer, writing nothing.</summary>
    public async ValueTask AbortAsync()
    {
        if (_chunk is { } chunk)
        {
            _chunk = null;
            ledger.Return(chunk);
        }

        while (_inFlight.TryDequeue(out var job))
        {
            try
            {
                (await job.ConfigureAwait(false)).Return();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The member is abandoned; its compression's own failure changes nothing.
            }
        }
    }

    /// <summary>Writes the oldest chunks in flight, in order, until at most <paramref name="keep"/> are left.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteOutAsync(int keep, CancellationToken cancellationToken)
    {
        while (_inFlight.Count > keep)
        {
            await WriteOutAsync(await _inFlight.Dequeue().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteOutAsync(PooledBuffer compressed, CancellationToken cancellationToken)
    {
        try
        {
            await output.WriteAsync(compressed.Memory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            compressed.Return();
        }
    }
}
