using System.IO.Pipelines;

namespace Formats;

/// <summary>
/// The pull side of an archive: a readable stream that produces the archive as it is read, for APIs that want to read
/// a body (<c>StreamContent</c>, SDK uploads). The writing runs only as fast as the reader reads, with at most
/// <c>maxBufferedBytes</c> waiting between them, so memory stays bounded. A failure of the archive surfaces as an
/// exception from the next read: the reader never sees a clean end of a broken archive.
/// </summary>
/// <remarks>
/// It takes a delegate that writes to a <see cref="PipeWriter"/> rather than a list of entries, because that is what
/// every writer takes: a zip or tar writer with any options, entries pushed through
/// <see cref="IArchiveSink.OpenEntryAsync"/>, or a plan (<see cref="FromPlan"/>), all fill the same pipe.
/// </remarks>
public sealed class ArchiveReadStream : Stream
{
    private readonly Func<PipeWriter, CancellationToken, ValueTask> _write;
    private readonly Pipe _pipe;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stream _reader;
    private Task? _writing;
    private bool _disposed;

    /// <summary>A stream of whatever <paramref name="write"/> writes to its pipe (it is started by the first read).</summary>
    public ArchiveReadStream(Func<PipeWriter, CancellationToken, ValueTask> write, int maxBufferedBytes = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferedBytes, 4096);
        _write = write;
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: maxBufferedBytes, resumeWriterThreshold: maxBufferedBytes / 2, useSynchronizationContext: false));
        _reader = _pipe.Reader.AsStream();
    }

    /// <summary>A stream of the whole archive <paramref name="plan"/> describes.</summary>
    public static ArchiveReadStream FromPlan(ArchivePlan plan, int maxBufferedBytes = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new ArchiveReadStream((pipe, cancellationToken) => plan.WriteAsync(pipe, cancellationToken), maxBufferedBytes);
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _writing ??= Task.Run(WriteAllAsync, CancellationToken.None);
        return _reader.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous reads would block a thread on the writer; read asynchronously.</summary>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("read the archive stream asynchronously (ReadAsync)");

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Stops the writer (a reader that stops early cancels the archive) and releases the pipe.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _stop.CancelAsync().ConfigureAwait(false);
            await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            if (_writing is not null)
            {
                try
                {
                    await _writing.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The reader left first; the archive was cancelled as intended.
                }
            }

            _stop.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            // Synchronous disposal cannot wait for the writer: it is cancelled and finishes on its own.
            _disposed = true;
            _stop.Cancel();
            _pipe.Reader.Complete();
        }

        base.Dispose(disposing);
    }

    private async Task WriteAllAsync()
    {
        try
        {
            await _write(_pipe.Writer, _stop.Token).ConfigureAwait(false);
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The reader's next read throws this: a broken archive never reads as a clean end.
            await _pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            if (ex is OperationCanceledException)
            {
                throw;
            }
        }
    }
}
