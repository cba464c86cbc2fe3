using System.IO.Compression;

namespace Formats.Zip.Sources;

/// <summary>
/// The decompressed content of a gzip source, read once from its start. With <c>provenLength</c> its members were
/// proved complete before (<see cref="GzipMember.ToZipItemAsync"/>) and the length is the core's to check; without, the
/// source is read only now, so it must be one member: at its end the content's CRC-32 and length must be its last 8
/// bytes', or reading fails (and with it the archive), since the runtime's inflater ends quietly at a truncated input.
/// </summary>
internal sealed class GunzipSource(EntrySource gzip, string name, long? provenLength) : EntrySource
{
    public override long? Length => provenLength;

    public override DateTimeOffset? LastModified => gzip.LastModified;

    public override string? Location => gzip.Location is { } compressed ? "gunzip of " + compressed : null;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        if (offset != 0)
        {
            throw new NotSupportedException("decompressed gzip content is read from its start only");
        }

        var compressed = await gzip.OpenAsync(0, cancellationToken).ConfigureAwait(false);
        if (provenLength is not null)
        {
            return new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false);
        }

        var tail = new TailKeepingStream(compressed);
        return new TrailerCheckingStream(new GZipStream(tail, CompressionMode.Decompress, leaveOpen: false), tail, name);
    }
}
