using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Formats.AspNetCore;

/// <summary>
/// nginx mod_zip's protocol for ASP.NET Core: an endpoint (or a proxied app) answers with
/// <c>X-Archive-Files: zip</c> (or <c>tar</c>, <c>tar.gz</c>, <c>tar.zst</c>) and a manifest body, and the client
/// gets the archive instead. See docs/gateway.md.
/// </summary>
public static class ArchiveResponses
{
    /// <summary>
    /// Registers what <c>UseArchiveResponses</c> needs: <see cref="ArchiveResponseOptions"/> as
    /// <c>IOptions&lt;ArchiveResponseOptions&gt;</c>, set by <paramref name="configure"/> and checked when the host
    /// starts (a value out of its bounds stops the start with an <see cref="OptionsValidationException"/> naming the
    /// option and the bound), and the <see cref="ArchiveMemberClient.Name"/> client members are fetched with. The meters
    /// (<see cref="ArchiveMeters"/>) come from the app's <c>IMeterFactory</c>.
    /// </summary>
    public static IServiceCollection AddArchiveResponses(this IServiceCollection services, Action<ArchiveResponseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ArchiveResponseOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArchiveResponseOptions>, ArchiveResponseOptionsValidator>());
        services.TryAddSingleton<Registered>();
        services.AddArchiveMemberClient();
        return services;
    }

    /// <summary>
    /// Turns <c>X-Archive-Files</c> responses of the endpoints after it into archives, with the options of
    /// <see cref="AddArchiveResponses"/> (which must be called on the app's services): the manifest (mod_zip lines or
    /// JSON lines) is read, its members fetched over HTTP within the options' origins and limits, and the archive
    /// streamed with the lengths, validators and ranges of <see cref="ArchiveResult"/>. Other responses pass through
    /// unchanged. Logs one line per archive on the category <c>Formats.AspNetCore.ArchiveResponses</c>. Call it before
    /// <c>UseRouting</c>: the app is asked with GET for a HEAD, so a GET-only endpoint must be routed as GET.
    /// </summary>
    public static IApplicationBuilder UseArchiveResponses(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = Required(app);
        return app.Use(next => Create(next, services, services.GetRequiredService<IOptions<ArchiveResponseOptions>>().Value).InvokeAsync);
    }

    /// <summary>
    /// As <see cref="UseArchiveResponses(IApplicationBuilder)"/>, with <paramref name="options"/> instead of the
    /// registered options (checked here, with the same bounds), and the services of <see cref="AddArchiveResponses"/>:
    /// for a pipeline whose branches answer with different options.
    /// </summary>
    public static IApplicationBuilder UseArchiveResponses(this IApplicationBuilder app, ArchiveResponseOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        ArchiveResponseOptionsValidator.Check(options);
        var services = Required(app);
        return app.Use(next => Create(next, services, options).InvokeAsync);
    }

    private static IServiceProvider Required(IApplicationBuilder app) =>
        app.ApplicationServices.GetService<Registered>() is null
            ? throw new InvalidOperationException("UseArchiveResponses needs its services: call services.AddArchiveResponses() on the app's builder")
            : app.ApplicationServices;

    private static ArchiveResponseMiddleware Create(RequestDelegate next, IServiceProvider services, ArchiveResponseOptions options) => new(
        next,
        options,
        services.GetRequiredService<IHttpClientFactory>(),
        services.GetService<IMeterFactory>(),
        services.GetService<ILoggerFactory>()?.CreateLogger("Formats.AspNetCore.ArchiveResponses") ?? NullLogger.Instance);

    /// <summary>Marks the services of <see cref="AddArchiveResponses"/> as registered.</summary>
    private sealed class Registered;

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
