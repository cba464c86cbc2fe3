using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Formats.Cli.Tests;

/// <summary>
/// URL SOURCEs go through the one member client of the gateway and serve (ArchiveMemberClient), against a real Kestrel
/// on 127.0.0.1: no cookie of one URL reaches another, and redirects are followed by the sources, hop by hop.
/// </summary>
public sealed class CliMemberClientTests : CliTestBase, IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string Cookie)> _requests = new();
    private WebApplication? _upstream;

    private Uri BaseUri => new(_upstream!.Urls.First() + "/");

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _upstream = builder.Build();

        // Every answer sets a cookie, as a session-keeping server does.
        _upstream.MapGet("/files/{name}", (HttpContext context, string name) =>
        {
            _requests.Enqueue((context.Request.Path, context.Request.Headers.Cookie.ToString()));
            context.Response.Headers.SetCookie = "session=" + name;
            context.Response.ContentLength = 5;
            return context.Response.Body.WriteAsync("hello"u8.ToArray()).AsTask();
        });
        _upstream.MapGet("/moved/{name}", (HttpContext context, string name) =>
        {
            _requests.Enqueue((context.Request.Path, context.Request.Headers.Cookie.ToString()));
            context.Response.Headers.SetCookie = "moved=" + name;
            return Results.Redirect("/files/" + name);
        });
        await _upstream.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.StopAsync();
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Urls_are_fetched_without_the_cookies_other_urls_set_and_redirects_are_followed()
    {
        var (code, tar, stderr, _) = await Run(null, "tar", new Uri(BaseUri, "files/a.txt").ToString(), new Uri(BaseUri, "moved/b.txt").ToString(), new Uri(BaseUri, "files/c.txt").ToString());
        Assert.True(code == 0, stderr);
        Assert.Equal(["a.txt", "b.txt", "c.txt"], TarTestHelpers.ReadWithTarReader(tar).Select(e => e.Name));
        Assert.Equal(["/files/a.txt", "/moved/b.txt", "/files/b.txt", "/files/c.txt"], _requests.Select(r => r.Path));
        Assert.All(_requests, r => Assert.Equal("", r.Cookie));
    }
}
