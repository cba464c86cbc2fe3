using System.Runtime.ExceptionServices;
using Formats.Http;

namespace Formats.AspNetCore;

/// <summary>
/// A proxied manifest parsed while it arrives: the archive's members are all that is held, never the manifest's bytes
/// beside them (for 100,000 members, some 14 MB of text, and up to twice that in a growing buffer, per archive).
/// </summary>
internal sealed partial class ResponseCapture
{
    private long _streamedBytes;

    private long MaxBytes => maxManifestBytes;

    /// <summary>Set by the middleware before the app runs: parses a manifest body read from the given stream.</summary>
    public Func<Stream, CancellationToken, Task<IReadOnlyList<ArchiveItem>>>? Parser { get; set; }

    /// <summary>The members, when the manifest was parsed as it arrived.</summary>
    public IReadOnlyList<ArchiveItem>? Parsed { get; private set; }

    /// <summary>Why the manifest parsed as it arrived was refused (a format, limit or decoding error), thrown again where the middleware parses.</summary>
    public ExceptionDispatchInfo? ParseFailure { get; private set; }

    /// <summary>The manifest's length as the app sent it, however it was read.</summary>
    public long ManifestLength => Parsed is not null || ParseFailure is not null ? _streamedBytes : _manifest.WrittenCount;

    private async ValueTask ParseAsItArrivesAsync(Stream body, CancellationToken cancellationToken)
    {
        var counted = new CountedBody(body, this);
        try
        {
            Parsed = await Parser!(counted, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or ManifestLimitException or InvalidDataException)
        {
            // Answered by the middleware once the app is done, as a manifest parsed there would be.
            ParseFailure = ExceptionDispatchInfo.Capture(ex);
        }
    }

    /// <summary>The body as it arrives, counted against the manifest limit (before any Content-Encoding is undone).</summary>
    private sealed class CountedBody(Stream inner, ResponseCapture capture) : Streaming.ReadOnlyStreamBase
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            capture._streamedBytes += read;
            if (capture._streamedBytes > capture.MaxBytes)
            {
                throw capture.Overflow();
            }

            return read;
        }
    }
}
