using Formats.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formats.Cli;

/// <summary>
/// The command line's client for URL sources: the one member client configuration (<see cref="ArchiveMemberClient"/>)
/// that the gateway and serve use, from <c>IHttpClientFactory</c>, made on first use only (a command without URLs
/// builds no container).
/// </summary>
internal static class MemberClient
{
    private static readonly Lazy<HttpClient> Client = new(() =>
    {
        var services = new ServiceCollection();
        services.AddArchiveMemberClient();

        // The container lives as long as the command: its handler must outlive every source.
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient(ArchiveMemberClient.Name);
    });

    public static HttpClient Instance => Client.Value;
}
