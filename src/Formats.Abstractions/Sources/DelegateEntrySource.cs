using Formats.Streaming;

namespace Formats.Sources;

internal sealed class DelegateEntrySource : EntrySource
{
    private readonly Func<long, CancellationToken, ValueTask<Stream>> _open;
    private readonly long? _length;

    public DelegateEntrySource(Func<long, CancellationToken, ValueTask<Stream>> open, long? length)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegative(length ?? 0, nameof(length));
        _open = open;
        _length = length;
    }

    public override long? Length => _length;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken) => _open(offset, cancellationToken);
}
