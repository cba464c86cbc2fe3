using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;

namespace Formats.AspNetCoreTests;

/// <summary>
/// `formats gateway` (its real Build, on Kestrel at 127.0.0.1) in front of an app on a second real Kestrel, whose
/// routes each test maps: a quicker stand-in for Django where the app's answers are what is under test.
/// </summary>
internal sealed class AppGateway : IAsyncDisposable
{
    private readonly Server _app;
    private readonly WebApplication _gateway;

    private AppGateway(Server app, WebApplication gateway)
    {
        _app = app;
        _gateway = gateway;
    }

    public Uri AppUri => _app.BaseUri;

    public Uri BaseUri => new(_gateway.Urls.First() + "/");

    public HttpClient Client() => new() { BaseAddress = BaseUri };

    /// <summary>The gateway's services (its own IMeterFactory among them).</summary>
    public IServiceProvider Services => _gateway.Services;

    /// <summary>The app with <paramref name="map"/>'s routes, and the gateway in front of it with <paramref name="options"/> (members are fetched through the gateway itself).</summary>
    public static async Task<AppGateway> StartAsync(Action<WebApplication> map, ArchiveResponseOptions? options = null, string prefix = "/_formats")
    {
        var app = await Server.StartAsync(map);
        var gateway = GatewayCommand.Build(app.BaseUri, "http://127.0.0.1:0", prefix, options ?? new ArchiveResponseOptions(), logArchives: false);
        await gateway.StartAsync();
        return new AppGateway(app, gateway);
    }

    /// <summary>As above, with options made for the app's address (such as a <see cref="ArchiveResponseOptions.MemberOrigin"/> that is the app, as the CLI sets it).</summary>
    public static async Task<AppGateway> StartAsync(Action<WebApplication> map, Func<Uri, ArchiveResponseOptions> options)
    {
        var app = await Server.StartAsync(map);
        var gateway = GatewayCommand.Build(app.BaseUri, "http://127.0.0.1:0", "/_formats", options(app.BaseUri), logArchives: false);
        await gateway.StartAsync();
        return new AppGateway(app, gateway);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        await _app.DisposeAsync();
    }
}
