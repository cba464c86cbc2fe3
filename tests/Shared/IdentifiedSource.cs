namespace Formats.Testing;

/// <summary>
/// A source with an identity (<see cref="EntrySource.GetIdentityAsync"/>), told also by the streams it opens, so that a
/// CRC-32 store can remember it; everything else is the inner source's.
/// </summary>
internal sealed class IdentifiedSource(EntrySource inner, string identity) : EntrySource
{
    public override long? Length => inner.Length;

    public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(identity);

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken) =>
        new IdentifiedStream(await inner.OpenAsync(offset, cancellationToken), identity);

    private sealed class IdentifiedStream(Stream inner, string identity) : Stream, IEntrySourceMetadata
    {
        long? IEntrySourceMetadata.Length => null;

        DateTimeOffset? IEntrySourceMetadata.LastModified => null;

        string? IEntrySourceMetadata.Identity => identity;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
