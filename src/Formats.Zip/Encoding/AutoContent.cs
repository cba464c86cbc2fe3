using System.Buffers;
using Formats.Streaming;

namespace Formats.Zip.Encoding;

/// <summary>
/// The content of a <see cref="ZipCompressionMethod.Auto"/> member whose method is not known from its name: holds the
/// first <see cref="AutoMethod.TrialLength"/> bytes, decides by a trial deflate, then writes the header with the
/// chosen method, the held bytes and the rest as it streams. Nothing of the member is written before the decision.
/// </summary>
internal sealed class AutoContent(ZipArchiveWriter archive, PreparedEntry entry) : IEntryContent
{
    private byte[]? _held = ArrayPool<byte>.Shared.Rent(AutoMethod.TrialLength);
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

    public void Skip(long count) => throw new InvalidOperationException("an auto-method member cannot be skipped: its layout depends on its content");

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_chosen is null)
        {
            await DecideAsync(cancellationToken).ConfigureAwait(false);
        }

        await _chosen!.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DecideAsync(CancellationToken cancellationToken)
    {
        var held = _held!;
        var method = _heldLength > 0 && AutoMethod.TrialSaves(held.AsSpan(0, _heldLength), archive.Options.CompressionLevel)
            ? ZipCompressionMethod.Deflate
            : ZipCompressionMethod.Stored;
        _chosen = await archive.StartContentAsync(entry, method, knownCrc: null, encoded: false, cancellationToken).ConfigureAwait(false);
        _held = null;
        try
        {
            await _chosen.WriteAsync(held.AsMemory(0, _heldLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }
}
