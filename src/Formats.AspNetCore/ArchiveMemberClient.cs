using Microsoft.Extensions.DependencyInjection;

namespace Formats.AspNetCore;

/// <summary>
/// The one <see cref="HttpClient"/> configuration that fetches archive members (URL sources): the archive responses
/// middleware, <c>formats serve</c> and the command line's URL sources all take it from <c>IHttpClientFactory</c> by
/// <see cref="Name"/>.
/// </summary>
public static class ArchiveMemberClient
{
    /// <summary>The name of the client in <c>IHttpClientFactory</c>.</summary>
    public const string Name = "Formats.ArchiveMembers";

    /// <summary>
    /// Registers the client <see cref="Name"/> (once, however often it is called): its handler follows no redirect (the
    /// sources follow them, each hop checked against the allowed URLs, <see cref="Http.HttpSourceOptions.MaxRedirects"/>),
    /// keeps no cookies (a member's cookies are the user's, passed per request, never another member's), leaves bodies
    /// as they are sent, and renews its connections every 2 minutes; the client itself has no overall timeout (the
    /// sources time each wait) and logs no request (a URL may carry a signature or a token). Returns the client's
    /// builder, to add handlers.
    /// </summary>
    public static IHttpClientBuilder AddArchiveMemberClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddHttpClient(Name);
        if (!services.Any(d => d.ServiceType == typeof(Registered)))
        {
            services.AddSingleton<Registered>();
            builder
                .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    AutomaticDecompression = System.Net.DecompressionMethods.None,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                })
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
                .RemoveAllLoggers();
        }

        return builder;
    }

    /// <summary>Marks the registration as done.</summary>
    private sealed class Registered;
}
