using System.Net;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>Nothing under the gateway's prefix reaches the app, even an app whose catch-all route would answer it.</summary>
public sealed class GatewayPrefixTests
{
    /// <summary>An app that answers every path with its secret manifest, and counts what reached it.</summary>
    private static Action<WebApplication> Leaky(List<string> seen) => app => app.Map("/{**path}", (HttpContext context) =>
    {
        lock (seen)
        {
            seen.Add(context.Request.Path.Value ?? "");
        }

        return Results.Text("- 5 https://bucket.example/x?X-Amz-Signature=SECRET x.bin\n");
    });

    [Theory]
    [InlineData("/_formats", "_formats/anything")]
    [InlineData("/_formats", "_formats/healthz/more")]
    [InlineData("/_formats", "_formats")]
    [InlineData("/_formats", "_formats/")]
    [InlineData("/ops", "ops/archive.zip?x=1")]
    [InlineData("/ops", "ops/metrics/x")]
    public async Task Paths_under_the_prefix_other_than_its_endpoints_get_404_and_never_reach_the_app(string prefix, string path)
    {
        var seen = new List<string>();
        await using var gateway = await AppGateway.StartAsync(Leaky(seen), prefix: prefix);
        using var client = gateway.Client();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Head })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("SECRET", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The gateway's own endpoint still answers, and paths outside the prefix still pass through.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(prefix.TrimStart('/') + "/healthz")).StatusCode);
        Assert.Contains("SECRET", await client.GetStringAsync("elsewhere/_formats/x"), StringComparison.Ordinal);
        lock (seen)
        {
            Assert.Equal(["/elsewhere/_formats/x"], seen);
        }
    }
}
