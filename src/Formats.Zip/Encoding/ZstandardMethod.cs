using Formats.Streaming;
using Formats.Zip.Encryption;
using ZstdSharp;

namespace Formats.Zip.Encoding;

/// <summary>
/// Method 93: Zstandard, one frame a member, its length pledged when known. Its shortest output is its magic number,
/// frame header descriptor, one more header byte and a block header: 9 bytes (RFC 8878 3.1.1).
/// </summary>
internal sealed class ZstandardMethod : ZipMethod
{
    public static readonly ZstandardMethod Instance = new();

    private ZstandardMethod()
        : base(ZipCompressionMethod.Zstandard, ZipConstants.MethodZstandard, "zstd", ZipConstants.VersionZstandard, shortestEncodedLength: 9)
    {
    }

    /// <summary>Zstd's compress bound, with headroom.</summary>
    public override long MaxEncodedLength(long length) => length + (length >> 8) + (128 * 1024) + 64;

    public override IZipEncoder CreateEncoder(ZipMemberWriter members, PreparedEntry entry, MemberOutput output) =>
        new ZstandardEncoder(output, CompressionLevels.ToZstandard(ZipEntryOptions.LevelOf(entry, members.Options)), entry.Length);
}

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
