using System.Net;
using System.Text;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;

namespace Formats.AspNetCoreTests;

/// <summary>`formats serve` against other web sites in the same browser: foreign Host names (DNS rebinding) and cross-site posts.</summary>
public sealed class ServeHostTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("formats-serve-host-").FullName;
    private readonly HttpClient _client = new();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        Directory.Delete(_root, recursive: true);
        await Task.CompletedTask;
    }

    private async Task<WebApplication> StartAsync(ServeOptions? options = null)
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "a.txt"), "PRIVATE-CONTENT");
        var app = ServeCommand.Build(_root, "http://127.0.0.1:0", options);
        await app.StartAsync();
        return app;
    }

    private static Uri At(WebApplication app, string path) => new(app.Urls.First() + path);

    private async Task<(HttpStatusCode Status, string Text)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _client.SendAsync(request))
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static HttpRequestMessage Get(WebApplication app, string path, string host) =>
        new(HttpMethod.Get, At(app, path)) { Headers = { Host = $"{host}:{At(app, "/").Port}" } };

    private static HttpRequestMessage Post(WebApplication app, string manifest, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, At(app, "/manifest?format=zip")) { Content = new StringContent(manifest, Encoding.UTF8, "text/plain") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/download?format=zip&file=a.txt")]
    public async Task A_foreign_host_name_gets_400_and_nothing_of_the_files(string path)
    {
        await using var app = await StartAsync();
        var (status, text) = await SendAsync(Get(app, path, "attacker.example"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.DoesNotContain("PRIVATE-CONTENT", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a.txt", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task Loopback_names_and_the_listening_host_are_served(string host)
    {
        await using var app = await StartAsync();
        var (status, text) = await SendAsync(Get(app, "/", host));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("value=\"a.txt\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_allowed_host_is_served_and_may_post_from_its_own_page()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri], AllowedHosts = ["files.example"] });
        var port = At(app, "/").Port;
        var (page, _) = await SendAsync(Get(app, "/", "files.example"));
        Assert.Equal(HttpStatusCode.OK, page);

        var post = Post(app, $"- 10 {upstream.File("x", 10)} x.bin\n", ("Origin", $"http://files.example:{port}"));
        post.Headers.Host = $"files.example:{port}";
        var (posted, _) = await SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, posted);

        var (other, _) = await SendAsync(Get(app, "/", "other.example"));
        Assert.Equal(HttpStatusCode.BadRequest, other);
    }

    [Fact]
    public async Task A_cross_site_text_plain_post_gets_403_before_anything_is_fetched()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var manifest = $"- 10 {upstream.File("x", 10)} x.bin\n";

        var (byOrigin, text) = await SendAsync(Post(app, manifest, ("Origin", "https://attacker.example")));
        Assert.Equal(HttpStatusCode.Forbidden, byOrigin);
        Assert.Contains("Origin 'https://attacker.example'", text, StringComparison.Ordinal);

        var (nullOrigin, _) = await SendAsync(Post(app, manifest, ("Origin", "null")));
        Assert.Equal(HttpStatusCode.Forbidden, nullOrigin);

        var (bySite, _) = await SendAsync(Post(app, manifest, ("Sec-Fetch-Site", "cross-site")));
        Assert.Equal(HttpStatusCode.Forbidden, bySite);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task The_pages_own_post_and_a_post_without_browser_headers_still_work()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var manifest = $"- 10 {upstream.File("x", 10)} x.bin\n";
        var own = At(app, "/").GetLeftPart(UriPartial.Authority);

        var (same, _) = await SendAsync(Post(app, manifest, ("Origin", own), ("Sec-Fetch-Site", "same-origin")));
        Assert.Equal(HttpStatusCode.OK, same);
        var (plain, _) = await SendAsync(Post(app, manifest));
        Assert.Equal(HttpStatusCode.OK, plain);
    }

    [Theory]
    [InlineData("http://files.example")]
    [InlineData("files.example:8080")]
    [InlineData("")]
    public void Allowed_host_values_with_scheme_port_or_nothing_are_usage_errors(string value)
    {
        var ex = Assert.Throws<UsageException>(() => ServeRequestGuard.ParseAllowedHost(value));
        Assert.Contains("--allowed-host", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_of_the_listening_urls_are_allowed_and_wildcards_add_nothing()
    {
        var hosts = ServeRequestGuard.AllowedHosts("http://Box.LAN:5000;http://0.0.0.0:80;http://[::]:81;http://*:82", ["extra.example"]);
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "box.lan", "extra.example"], hosts);
    }
}
