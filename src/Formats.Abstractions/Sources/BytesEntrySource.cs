using Formats.Streaming;

namespace Formats.Sources;

internal sealed class BytesEntrySource(ReadOnlyMemory<byte> bytes) : EntrySource
{
    private string? _location;

    public override long? Length => bytes.Length;

    /// <summary>The bytes' SHA-256: the same bytes are the same content wherever they live.</summary>
    public override string? Location => _location ??= "bytes:sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.Span));

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, bytes.Length);
        return ValueTask.FromResult<Stream>(new ReadOnlyMemoryStream(bytes[(int)offset..]));
    }
}
