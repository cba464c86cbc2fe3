using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Formats.AspNetCore;

/// <summary>
/// nginx mod_zip's protocol for ASP.NET Core: an endpoint (or a proxied app) answers with
/// <c>X-Archive-Files: zip</c> (or <c>tar</c>, <c>tar.gz</c>, <c>tar.zst</c>) and a manifest body, and the client
/// gets the archive instead. See docs/gateway.md.
/// </summary>
public static class ArchiveResponses
{
    /// <summary>
    /// Turns <c>X-Archive-Files</c> responses of the endpoints after it into archives: the manifest (mod_zip lines or
    /// JSON lines) is read, its members fetched over HTTP within <paramref name="options"/>' origins and limits, and the
    /// archive streamed with the lengths, validators and ranges of <see cref="ArchiveResult"/>. Other responses pass
    /// through unchanged. Logs one line per archive on the category <c>Formats.AspNetCore.ArchiveResponses</c>.
    /// Call it before <c>UseRouting</c>: the app is asked with GET for a HEAD, so a GET-only endpoint must be routed
    /// as GET.
    /// </summary>
    public static IApplicationBuilder UseArchiveResponses(this IApplicationBuilder app, ArchiveResponseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("Formats.AspNetCore.ArchiveResponses") ?? NullLogger.Instance;
        var settings = options ?? new ArchiveResponseOptions();
        return app.Use(next => new ArchiveResponseMiddleware(next, settings, logger).InvokeAsync);
    }

    /// <summary>
    /// For a reverse proxy in front of which the middleware stands (a YARP <c>HttpTransformer</c>'s
    /// <c>TransformResponseAsync</c>, after the headers are copied): whether to copy the upstream's body to the client.
    /// A manifest is read here instead, and an answer to the altered request is dropped without reading its body, so a
    /// large file is not fetched twice. Without this call the middleware still works, reading such bodies to their end and dropping them.
    /// </summary>
    public static async ValueTask<bool> ShouldCopyBodyAsync(HttpContext context, HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(upstream);
        if (context.Features.Get<ResponseCapture>() is not { } capture)
        {
            return true;
        }

        switch (capture.Decide())
        {
            case ResponseCapture.Mode.Manifest:
                var body = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await capture.CaptureAsync(body, cancellationToken).ConfigureAwait(false);
                }

                return false;
            case ResponseCapture.Mode.Discard:
                return false;
            default:
                return true;
        }
    }
}
