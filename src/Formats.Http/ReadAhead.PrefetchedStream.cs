using Formats.Streaming;

namespace Formats.Http;

/// <summary>What the reader of an entry read ahead reads: the buffer, then the source itself.</summary>
public sealed partial class ReadAhead
{
    /// <summary>
    /// A prefetched entry's content: what was buffered, then, when the copier handed the source over, the rest from
    /// the source itself; it tells what its source told when opened.
    /// </summary>
    private sealed class PrefetchedStream(Stream buffered, Prefetch prefetch, long? length, DateTimeOffset? lastModified, string? identity) : ReadOnlyStreamBase, IEntrySourceMetadata
    {
        private Stream? _source;
        private bool _bufferEnded;

        long? IEntrySourceMetadata.Length => length;

        DateTimeOffset? IEntrySourceMetadata.LastModified => lastModified;

        string? IEntrySourceMetadata.Identity => identity;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_bufferEnded)
            {
                var n = await buffered.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n > 0 || buffer.IsEmpty)
                {
                    return n;
                }

                _bufferEnded = true;
                prefetch.ReturnBytes();
                _source = prefetch.TakeSource();
            }

            return _source is null ? 0 : await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read prefetched content asynchronously");

        public override async ValueTask DisposeAsync()
        {
            await buffered.DisposeAsync().ConfigureAwait(false);
            if (_source is { } source)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            await prefetch.ReleaseAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                buffered.Dispose();
                _source?.Dispose();
                prefetch.Release();
            }

            base.Dispose(disposing);
        }
    }
}
