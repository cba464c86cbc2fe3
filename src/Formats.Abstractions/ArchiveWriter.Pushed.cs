using System.Runtime.CompilerServices;
using Formats.Streaming;

namespace Formats;

// Entries whose content the caller pushes through a stream (OpenEntryAsync).
public abstract partial class ArchiveWriter
{
    /// <inheritdoc/>
    public ValueTask<Stream> OpenEntryAsync(ArchiveEntry entry, CancellationToken cancellationToken = default) =>
        OpenEntryAsync(entry, options: null, cancellationToken);

    /// <summary>Starts a pushed file entry with this format's <paramref name="options"/> (or none).</summary>
    internal async ValueTask<Stream> OpenEntryAsync(ArchiveEntry entry, ArchiveEntryOptions? options, CancellationToken cancellationToken)
    {
        using var call = Claim();
        Enter();
        try
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (entry.Kind != EntryKind.File)
            {
                throw new ArgumentException($"entry '{entry.Name}': only file entries are written through a stream; add a {entry.Kind} with AddEntryAsync", nameof(entry));
            }

            if (options is not null)
            {
                CheckOptions(entry, options);
            }

            var prepared = _preparer.Prepare(entry, source: null, pushed: true, DefaultLastModified, options);
            CheckEntry(prepared);
            return new EntryWriteStream(this, await OpenCounterAsync(prepared, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask WriteEntryContentAsync(ContentCounter counter, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var call = Claim();
        ThrowIfNot(State.InEntry);
        try
        {
            await counter.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    internal async ValueTask FinishEntryAsync(ContentCounter counter, CancellationToken cancellationToken)
    {
        if (_state is State.Failed or State.Disposed)
        {
            // The failure was already reported where it happened; disposing the entry stream must not hide it.
            return;
        }

        using var call = Claim();
        ThrowIfNot(State.InEntry);
        try
        {
            await FinishCounterAsync(counter, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    internal void AbandonEntry(string entryName) =>
        Fail(new ArchiveException(entryName, ArchiveErrorReason.EntryNotFinished, "the entry stream was disposed synchronously, so the entry could not be finished; use DisposeAsync"));
}
