using Formats.Streaming;

namespace Formats.Zip.Encoding;

/// <summary>
/// The content of a <see cref="ZipCompressionMethod.Auto"/> member whose method is not known from its name: holds the
/// first <see cref="AutoMethod.TrialLength"/> bytes, decides by a trial deflate, then writes the header with the
/// chosen method, the held bytes and the rest as it streams. Nothing of the member is written before the decision.
/// </summary>
internal sealed class AutoContent(ZipMemberWriter members, PreparedEntry entry) : IEntryContent
{
    private byte[]? _held = members.Buffers.Rent(AutoMethod.TrialLength);
    private int _heldLength;
    private ZipContentWriter? _chosen;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_chosen is null)
        {
            var take = Math.Min(AutoMethod.TrialLength - _heldLength, data.Length);
            data.Span[..take].CopyTo(_held.AsSpan(_heldLength));
            _heldLength += take;
            data = data[take..];
            if (_heldLength < AutoMethod.TrialLength)
            {
                return;
            }

            await DecideAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!data.IsEmpty)
        {
            await _chosen!.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_chosen is null)
        {
            await DecideAsync(cancellationToken).ConfigureAwait(false);
        }

        await _chosen!.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask AbortAsync()
    {
        ReturnHeld();
        if (_chosen is not null)
        {
            await _chosen.AbortAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask DecideAsync(CancellationToken cancellationToken)
    {
        var held = _held!;
        var method = _heldLength > 0 && AutoMethod.TrialSaves(members.Buffers, held.AsSpan(0, _heldLength), ZipEntryOptions.LevelOf(entry, members.Options))
            ? ZipCompressionMethod.Deflate
            : ZipCompressionMethod.Stored;
        _chosen = await members.StartAsync(entry, method, knownCrc: null, encoded: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await _chosen.WriteAsync(held.AsMemory(0, _heldLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReturnHeld();
        }
    }

    private void ReturnHeld()
    {
        if (_held is { } held)
        {
            _held = null;
            members.Buffers.Return(held);
        }
    }
}
