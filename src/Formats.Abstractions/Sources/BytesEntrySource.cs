using Formats.Streaming;

namespace Formats.Sources;

internal sealed class BytesEntrySource(ReadOnlyMemory<byte> bytes) : EntrySource
{
    public override long? Length => bytes.Length;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, bytes.Length);
        return ValueTask.FromResult<Stream>(new ReadOnlyMemoryStream(bytes[(int)offset..]));
    }
}
