using Formats.Streaming;
using Formats.Zip.Encryption;

namespace Formats.Zip.Encoding;

/// <summary>Method 0: the bytes as they are.</summary>
internal sealed class StoredMethod : ZipMethod
{
    public static readonly StoredMethod Instance = new();

    private StoredMethod()
    {
    }

    public override ZipCompressionMethod Method => ZipCompressionMethod.Stored;

    public override ushort Id => ZipConstants.MethodStored;

    public override string Label => "stored";

    public override ushort VersionNeeded => ZipConstants.VersionStored;

    public override bool KeepsBytes => true;

    public override long ShortestEncodedLength => 0;

    public override long MaxEncodedLength(long length) => length;

    public override IZipEncoder CreateEncoder(ZipMemberWriter members, PreparedEntry entry, MemberOutput output) => new StoredEncoder(output);
}

/// <summary>Passes bytes through as they are: stored content, and content that arrives encoded already (raw, compressed ahead).</summary>
internal sealed class StoredEncoder(MemberOutput output) : IZipEncoder
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => output.WriteAsync(data, cancellationToken);

    public ValueTask FinishAsync(long length, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AbortAsync() => ValueTask.CompletedTask;
}
