using System.Runtime.CompilerServices;
using Formats.Streaming;

namespace Formats;

// Entries added with a source: read whole in a write run, or only where the window needs in a measure or range run.
public abstract partial class ArchiveWriter
{
    /// <inheritdoc/>
    public ValueTask AddEntryAsync(ArchiveEntry entry, EntrySource? source = null, CancellationToken cancellationToken = default) =>
        AddEntryAsync(entry, source, options: null, cancellationToken);

    /// <summary>Adds an entry with this format's <paramref name="options"/> (or none): what the public overloads call.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask AddEntryAsync(ArchiveEntry entry, EntrySource? source, ArchiveEntryOptions? options, CancellationToken cancellationToken)
    {
        using var call = Claim();
        Enter();
        try
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (options is not null)
            {
                CheckOptions(entry, options);
            }

            var prepared = _preparer.Prepare(entry, source, pushed: false, DefaultLastModified, options);
            if (Mode == WriteMode.Write)
            {
                await AddWholeEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await AddWindowedEntryAsync(prepared, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The normal case: open the source, write the header, pump every byte.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AddWholeEntryAsync(PreparedEntry prepared, CancellationToken cancellationToken)
    {
        if (prepared.Length is not null || prepared.Source is null)
        {
            CheckEntry(prepared);
        }

        Stream? stream = null;
        try
        {
            if (prepared.Source is { } source)
            {
                stream = await SourcePump.OpenAsync(prepared, source, 0, cancellationToken).ConfigureAwait(false);
                var checkedBefore = prepared.Length is not null;
                prepared = EntryPreparer.LearnFromOpenedSource(prepared, stream, takeTime: !Planned);
                if (!checkedBefore)
                {
                    CheckEntry(prepared);
                }
            }

            var counter = await OpenCounterAsync(prepared, cancellationToken).ConfigureAwait(false);
            if (stream is not null)
            {
                await SourcePump.PumpAsync(prepared, stream, counter, limit: null, cancellationToken).ConfigureAwait(false);
                await SourcePump.WasReadWholeAsync(stream, counter, cancellationToken).ConfigureAwait(false);
            }

            await FinishCounterAsync(counter, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A measure or range run: the header is laid out as always, the content read only where the window needs it.</summary>
    private async ValueTask AddWindowedEntryAsync(PreparedEntry prepared, CancellationToken cancellationToken)
    {
        CheckEntry(prepared);
        if (prepared.Length is not { } length)
        {
            throw new ArchiveException(prepared.Name, ArchiveErrorReason.NotPlannable, "its length is unknown until it is read, so the archive's length and byte ranges cannot be known in advance; declare Length");
        }

        CheckPlannable(prepared);
        var counter = await OpenCounterAsync(prepared, cancellationToken).ConfigureAwait(false);
        ContentSpans?.Add((Output.Position, length));
        await SourcePump.PumpWindowAsync(prepared, length, counter, Output, cancellationToken).ConfigureAwait(false);
        await FinishCounterAsync(counter, cancellationToken).ConfigureAwait(false);
    }
}
