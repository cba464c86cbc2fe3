namespace Formats.Streaming;

/// <summary>How an output ends: completed (flushed, the encoder's trailer written), or aborted (nothing more written
/// but, for formats that need one, a marker that makes readers reject what went out).</summary>
internal sealed partial class ArchiveOutput
{
    /// <summary>
    /// The archive is complete: flush, release the pipe writer we created over a stream (the stream stays open), and
    /// finish the encoder, which writes its trailer only now.
    /// </summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_ownsWriter && !_finished)
        {
            _finished = true;
            await _writer.CompleteAsync().ConfigureAwait(false);
            if (_encoder is not null)
            {
                await _encoder.DisposeAsync().ConfigureAwait(false);
            }

            if (_target is not null)
            {
                await _target.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The archive is abandoned: release our pipe writer without writing what still waits in it. An encoder is shut
    /// off from the target before it is released, so it cannot write the trailer that would make a truncated archive
    /// look whole. An uncompressed archive whose format cannot show a cut by itself gets <paramref name="marker"/>'s
    /// bytes for the offset reached (<see cref="FlushedPosition"/>) after what went out: bytes that make every reader fail.
    /// </summary>
    public async ValueTask AbortAsync(Func<long, ReadOnlyMemory<byte>>? marker = null)
    {
        var reached = FlushedPosition;
        var ending = marker is not null && _encoder is null && _window is null ? marker(reached) : ReadOnlyMemory<byte>.Empty;
        if (!_ownsWriter)
        {
            if (!ending.IsEmpty)
            {
                await TryAsync(async () =>
                {
                    await _writer.WriteAsync(ending).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }

            return;
        }

        if (_finished)
        {
            return;
        }

        _finished = true;
        await TryAsync(() => _writer.CompleteAsync(new IOException("the archive was aborted"))).ConfigureAwait(false);
        if (_encoder is not null)
        {
            _gate!.Shut();

            // The gate refuses the encoder's last bytes, as intended.
            await TryAsync(() => _encoder.DisposeAsync()).ConfigureAwait(false);
        }

        if (!ending.IsEmpty && _direct is { } direct)
        {
            await TryAsync(async () =>
            {
                await direct.WriteAsync(ending).ConfigureAwait(false);
                await direct.FlushAsync().ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a step of an abort; a target that already failed makes it moot, and the abort stands either way.</summary>
    private static async ValueTask TryAsync(Func<ValueTask> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException or OperationCanceledException)
        {
        }
    }
}
