using Formats.Streaming;
using Formats.Zip.Encryption;
using ZstdSharp;

namespace Formats.Zip.Encoding;

/// <summary>One member's zstd frame, behind a gate so that an abort can release the encoder without its end reaching the output.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The encoder is released by FinishAsync or AbortAsync, one of which ends every content.")]
internal sealed class ZstandardEncoder : IZipEncoder
{
    private readonly GateStream _gate;
    private readonly CompressionStream _zstd;

    public ZstandardEncoder(MemberOutput output, int level, long? length)
    {
        _gate = new GateStream(new MemberOutputStream(output));
        _zstd = new CompressionStream(_gate, level, leaveOpen: true);
        if (length is { } known)
        {
            _zstd.SetPledgedSrcSize((ulong)known);
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _zstd.WriteAsync(data, cancellationToken);

    public async ValueTask FinishAsync(long length, CancellationToken cancellationToken)
    {
        await _zstd.DisposeAsync().ConfigureAwait(false);
        await ZstdEnding.WriteAsync(_gate, length, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask AbortAsync()
    {
        _gate.Shut();
        try
        {
            await _zstd.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The gate refused the encoder's last bytes, as intended; its memory is released either way.
        }
    }
}
