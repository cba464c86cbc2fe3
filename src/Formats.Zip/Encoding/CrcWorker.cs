using System.Threading.Tasks.Sources;

namespace Formats.Zip.Encoding;

/// <summary>
/// Computes the CRC-32 of one piece of content on a thread-pool thread while the caller writes the same piece out,
/// then lets the caller await it. One worker serves a whole archive, piece after piece, so overlapping the checksum
/// with the write allocates nothing per piece.
/// </summary>
internal sealed class CrcWorker : IThreadPoolWorkItem, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = false };
    private Crc32Accumulator? _crc;
    private ReadOnlyMemory<byte> _data;

    /// <summary>Starts appending <paramref name="data"/> to <paramref name="crc"/>; await the result before the next start.</summary>
    public ValueTask AppendAsync(Crc32Accumulator crc, ReadOnlyMemory<byte> data)
    {
        _completion.Reset();
        _crc = crc;
        _data = data;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return new ValueTask(this, _completion.Version);
    }

    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            _crc!.Append(_data.Span);
            _crc = null;
            _data = default;
            _completion.SetResult(true);
        }
        catch (Exception ex)
        {
            _completion.SetException(ex);
        }
    }

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
