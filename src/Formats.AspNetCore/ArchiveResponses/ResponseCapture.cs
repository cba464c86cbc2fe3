using System.Buffers;
using System.IO.Pipelines;
using Formats.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Formats.AspNetCore;

/// <summary>
/// The response body while the app answers a request the archive responses middleware watches. At the first byte (or
/// start, or end) it decides, from the status and headers then set, what the body is: a manifest (status 200 with
/// <c>X-Archive-Files</c>), captured up to the limit; a response to a request the app saw altered (HEAD asked as GET,
/// Range and If-* hidden), discarded so the request can be asked again as it came; or anything else, passed through
/// to the real body unchanged. Discarded writes are dropped without an error (apps abort the connection on write
/// errors, taking them for a client gone); a reverse proxy in front avoids reading such a body at all through
/// <see cref="ArchiveResponses.ShouldCopyBodyAsync"/>.
/// </summary>
internal sealed partial class ResponseCapture(HttpContext context, IHttpResponseBodyFeature inner, long maxManifestBytes, bool requestAltered)
    : Streaming.AsyncWriteOnlyStream, IHttpResponseBodyFeature
{
    public enum Mode
    {
        Undecided,
        PassThrough,
        Manifest,
        Discard,
    }

    private ArrayBufferWriter<byte> _manifest = new();
    private PipeWriter? _writer;

    public Mode Decision { get; private set; }

    /// <summary>More than the limit came: the manifest is refused whole.</summary>
    public bool Overflowed { get; private set; }

    public ReadOnlyMemory<byte> Manifest => _manifest.WrittenMemory;

    /// <summary>
    /// Lets go of the manifest's bytes once they are parsed: the archive holds its members, and the capture buffer (up to
    /// twice the manifest, as it grew) would otherwise stay reachable for as long as the archive is sent.
    /// </summary>
    public void DropManifest() => _manifest = new ArrayBufferWriter<byte>(1);

    public IHttpResponseBodyFeature Inner => inner;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>Decides (once) from the response as it is now.</summary>
    public Mode Decide()
    {
        if (Decision == Mode.Undecided)
        {
            var response = context.Response;
            Decision = response.StatusCode == StatusCodes.Status200OK && response.Headers.ContainsKey(ArchiveResponseHeaders.Files) ? Mode.Manifest
                : requestAltered ? Mode.Discard
                : Mode.PassThrough;
        }

        return Decision;
    }

    /// <summary>
    /// Reads a proxied response's manifest body (YARP's transformer calls this instead of copying it): parsed as it
    /// arrives when the middleware gave a <see cref="Parser"/>, else kept whole for the middleware to parse.
    /// </summary>
    public async ValueTask CaptureAsync(Stream body, CancellationToken cancellationToken)
    {
        if (Parser is not null)
        {
            await ParseAsItArrivesAsync(body, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!Overflowed)
        {
            var memory = _manifest.GetMemory(16 * 1024);
            var n = await body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            _manifest.Advance(n);
            Overflowed = _manifest.WrittenCount > maxManifestBytes;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (Decide())
        {
            case Mode.PassThrough:
                await inner.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                break;
            case Mode.Manifest:
                Append(buffer.Span);
                break;
            default:
                // Dropped. Not an exception: an app may take any failed write for a client gone and abort the connection.
                break;
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        Decide() == Mode.PassThrough ? inner.Stream.FlushAsync(cancellationToken) : Task.CompletedTask;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        Decide() == Mode.PassThrough ? inner.StartAsync(cancellationToken) : Task.CompletedTask;

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        switch (Decide())
        {
            case Mode.PassThrough:
                await inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
                break;
            case Mode.Manifest:
                await SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken).ConfigureAwait(false);
                break;
            default:
                // A file the response will not carry is not read at all.
                break;
        }
    }

    public async Task CompleteAsync()
    {
        if (_writer is { } writer)
        {
            await writer.FlushAsync().ConfigureAwait(false);
        }

        if (Decide() == Mode.PassThrough)
        {
            await inner.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Flushes what the app left in the pipe writer into the capture (or through).</summary>
    public async ValueTask FlushWriterAsync()
    {
        if (_writer is { } writer)
        {
            await writer.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Marks the manifest as over the limit, and the exception that stops whoever is writing or reading it.</summary>
    private ManifestLimitException Overflow()
    {
        Overflowed = true;
        return new ManifestLimitException($"the manifest is larger than {maxManifestBytes} bytes (the limit)");
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_manifest.WrittenCount + (long)bytes.Length > maxManifestBytes)
        {
            throw Overflow();
        }

        _manifest.Write(bytes);
    }
}
