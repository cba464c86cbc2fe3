using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCoreTests;

/// <summary>The app under test on a real Kestrel at 127.0.0.1 (AllowSynchronousIO left off, as by default).</summary>
public sealed class Server : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Server(WebApplication app) => _app = app;

    public Uri BaseUri => new(_app.Urls.First() + "/");

    /// <summary>The app's services (its own IMeterFactory among them).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The app with <paramref name="map"/>'s pipeline, and the services of <c>AddArchiveResponses</c> (and <paramref name="services"/>' own).</summary>
    public static async Task<Server> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddArchiveResponses();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new Server(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
