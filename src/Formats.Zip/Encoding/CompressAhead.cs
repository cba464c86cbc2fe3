using System.Runtime.CompilerServices;

namespace Formats.Zip.Encoding;

/// <summary>
/// Small members of known length, compressed on workers while the members before them are written, then written in
/// order, header first, with the same bytes as if compressed in turn. Members go to workers in batches, so that a
/// worker gets enough work per hand-over; an idle worker gets a member at once. Memory is bounded by the members that
/// wait: at most two batches per worker, or two chunks' worth of plain bytes per worker.
/// </summary>
internal sealed class CompressAhead(ZipMemberWriter members)
{
    /// <summary>Members hand over to a worker in batches of at most this many...</summary>
    private const int BatchMembers = 16;

    /// <summary>...or of at least this many plain bytes.</summary>
    private const int BatchBytes = 256 * 1024;

    private readonly Queue<DeferredMember> _waiting = new();
    private readonly List<DeferredMember> _unsubmitted = [];
    private readonly List<Task> _batches = [];
    private long _waitingBytes;
    private int _unsubmittedBytes;

    /// <summary>Members compressed ahead and not written yet (they come before any member started now).</summary>
    public int Count => _waiting.Count;

    /// <summary>
    /// Queues a member behind the others, hands full batches (or any batch, to idle workers) to workers, and writes the
    /// oldest members while too many wait. With a parallelism of 1 the member is compressed and written now.
    /// </summary>
    public ValueTask AddAsync(DeferredMember member, CancellationToken cancellationToken)
    {
        _waiting.Enqueue(member);
        _waitingBytes += member.Length;
        var parallelism = members.Options.MaxDegreeOfParallelism;
        if (parallelism == 1)
        {
            member.Encode(members.Buffers);
            return WriteAsync(keep: 0, cancellationToken);
        }

        if (DeflateChunks.IsQuick(member.Length, member.Level))
        {
            // Cheaper to compress now than to hand to a worker; it goes out once the members before it have.
            member.Encode(members.Buffers);
        }
        else
        {
            _unsubmitted.Add(member);
            _unsubmittedBytes += member.Length;
            if (_unsubmitted.Count >= BatchMembers || _unsubmittedBytes >= BatchBytes || _batches.Count == 0 || _batches[^1].IsCompleted)
            {
                // A full batch, or workers with nothing to do: a slow producer's members go out as soon as they are
                // compressed instead of waiting for a batch to fill, and a fast one's batches grow with the workers' backlog.
                SubmitBatch();
            }
        }

        return WriteAsync(keep: 2 * parallelism * BatchMembers, cancellationToken, keepBytes: 2L * parallelism * DeflateChunks.ChunkSize);
    }

    /// <summary>The batches handed to workers so far, compressed: what a test awaits instead of guessing at a worker's time.</summary>
    internal Task Compressed => Task.WhenAll(_batches);

    /// <summary>Writes every member that waits.</summary>
    public ValueTask WriteAllAsync(CancellationToken cancellationToken) => WriteAsync(keep: 0, cancellationToken);

    /// <summary>The archive is abandoned: waits for the workers and gives back every waiting member's buffers, writing nothing.</summary>
    public async ValueTask AbortAsync()
    {
        foreach (var batch in _batches)
        {
            try
            {
                await batch.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The archive is abandoned; a failed compression changes nothing.
            }
        }

        _batches.Clear();
        _unsubmitted.Clear();
        while (_waiting.TryDequeue(out var member))
        {
            member.Release(members.Buffers);
        }
    }

    private void SubmitBatch()
    {
        var batch = _unsubmitted.ToArray();
        var buffers = members.Buffers;
        _unsubmitted.Clear();
        _unsubmittedBytes = 0;
        _batches.RemoveAll(b => b.IsCompleted);
        var job = Task.Run(
            () =>
            {
                foreach (var member in batch)
                {
                    member.Encode(buffers);
                }
            },
            CancellationToken.None);
        _batches.Add(job);
        foreach (var member in batch)
        {
            member.Batch = job;
        }
    }

    /// <summary>
    /// Writes waiting members, oldest first: every one already compressed, then more, waiting for their compression,
    /// until at most <paramref name="keep"/> members and <paramref name="keepBytes"/> plain bytes wait.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync(int keep, CancellationToken cancellationToken, long keepBytes = 0)
    {
        while (_waiting.TryPeek(out var oldest) && (_waiting.Count > keep || _waitingBytes > keepBytes || oldest.IsEncoded))
        {
            var member = _waiting.Dequeue();
            _waitingBytes -= member.Length;
            if (member.Result is null && member.Batch is null)
            {
                SubmitBatch();
            }

            try
            {
                if (member.Batch is { } batch)
                {
                    await batch.ConfigureAwait(false);
                }

                await WriteMemberAsync(member, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not ArchiveException and not OperationCanceledException)
            {
                // Written during a later call: name the member whose bytes failed, not the entry that call was adding.
                throw new ArchiveException(member.Entry.Name, ArchiveErrorReason.OutputFailed, $"writing it to the output failed: {ex.Message}", ex);
            }
            finally
            {
                member.Release(members.Buffers);
            }
        }
    }

    /// <summary>Deflated ahead, or stored because auto chose so: header, content, descriptor.</summary>
    private async ValueTask WriteMemberAsync(DeferredMember member, CancellationToken cancellationToken)
    {
        var result = member.Result!;
        var encoded = result.Encoded;
        var method = encoded is null ? ZipCompressionMethod.Stored : ZipCompressionMethod.Deflate;
        var content = await members.StartAsync(member.Entry, method, result.Crc32, encoded: encoded is not null, cancellationToken).ConfigureAwait(false);
        if (encoded is null)
        {
            await content.WriteAsync(member.Plain.AsMemory(0, member.Length), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await content.WriteEncodedAsync(encoded.Memory, member.Length, result.Crc32, cancellationToken).ConfigureAwait(false);
        }

        await content.FinishAsync(cancellationToken).ConfigureAwait(false);
    }
}
