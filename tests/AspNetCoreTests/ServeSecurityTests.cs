using System.Net;
using System.Text;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;

namespace Formats.AspNetCoreTests;

/// <summary>`formats serve` against hostile input: links out of the root, bad names, foreign origins, huge manifests; and stable validators.</summary>
public sealed class ServeSecurityTests : IAsyncDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("formats-serve-sec-").FullName;
    private readonly HttpClient _client = new();

    private string Root => Path.Combine(_base, "root");

    private string Outside => Path.Combine(_base, "outside");

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        Directory.Delete(_base, recursive: true);
        await Task.CompletedTask;
    }

    private async Task<WebApplication> StartAsync(ServeOptions? options = null)
    {
        if (Directory.Exists(Root))
        {
            // A restart: the same folder, untouched.
            var again = ServeCommand.Build(Root, "http://127.0.0.1:0", options);
            await again.StartAsync();
            return again;
        }

        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        Directory.CreateDirectory(Outside);
        await File.WriteAllTextAsync(Path.Combine(Root, "a.txt"), "first");
        await File.WriteAllTextAsync(Path.Combine(Root, "sub", "c.txt"), "second");
        await File.WriteAllTextAsync(Path.Combine(Outside, "secret.txt"), "TOP-SECRET");
        var app = ServeCommand.Build(Root, "http://127.0.0.1:0", options);
        await app.StartAsync();
        return app;
    }

    private static Uri At(WebApplication app, string path) => new(app.Urls.First() + path);

    private async Task<(HttpStatusCode Status, string Text)> PostManifestAsync(WebApplication app, string manifest, string query = "format=zip")
    {
        using var response = await _client.PostAsync(At(app, "/manifest?" + query), new StringContent(manifest, Encoding.UTF8));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Links_that_leave_the_root_are_neither_listed_nor_served_and_links_inside_it_are()
    {
        await using var app = await StartAsync();
        Directory.CreateSymbolicLink(Path.Combine(Root, "link"), Outside);
        File.CreateSymbolicLink(Path.Combine(Root, "leak.txt"), Path.Combine(Outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(Root, "alias.txt"), Path.Combine(Root, "sub", "c.txt"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "sub", "loop"), Root);

        var page = await _client.GetStringAsync(At(app, "/"));
        Assert.DoesNotContain("secret", page, StringComparison.Ordinal);
        Assert.DoesNotContain("leak.txt", page, StringComparison.Ordinal);
        Assert.Contains("value=\"alias.txt\"", page, StringComparison.Ordinal);

        foreach (var file in new[] { "link%2Fsecret.txt", "leak.txt", "sub%2Floop%2Flink%2Fsecret.txt" })
        {
            using var refused = await _client.GetAsync(At(app, "/download?format=tar&file=" + file));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.DoesNotContain("TOP-SECRET", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var alias = await _client.GetAsync(At(app, "/download?format=tar&file=alias.txt"));
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
    }

    [Fact]
    public async Task Fifo_under_the_root_is_neither_listed_nor_opened()
    {
        await using var app = await StartAsync();
        var fifo = Path.Combine(Root, "pipe");
        var made = await ExternalTool.RunAsync("mkfifo", [fifo]);
        Assert.True(made.ExitCode == 0, made.Stderr);

        // Opening a FIFO without a writer blocks for ever: a request that tried would never answer.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var page = await _client.GetStringAsync(At(app, "/"), bounded.Token);
        Assert.DoesNotContain("value=\"pipe\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"a.txt\"", page, StringComparison.Ordinal);
        using var refused = await _client.GetAsync(At(app, "/download?format=zip&file=pipe"), bounded.Token);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Theory]
    [InlineData("/download?format=zip&file=a.txt&file=a.txt", "Duplicate")]
    [InlineData("/download?format=zip&file=a%00b", "ControlCharacter")]
    [InlineData("/download?format=zip&file=a%01b.txt", "ControlCharacter")]
    public async Task Picked_names_that_break_a_rule_give_400_naming_it(string path, string rule)
    {
        await using var app = await StartAsync();
        await File.WriteAllTextAsync(Path.Combine(Root, "a\u0001b.txt"), "control");
        using var response = await _client.GetAsync(At(app, path));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"rule: {rule}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil.txt", "DotDotSegment")]
    [InlineData("/etc/evil.txt", "Absolute")]
    [InlineData("a/../../evil.txt", "DotDotSegment")]
    [InlineData("ok.txt\nok.txt", "Duplicate")]
    public async Task Manifest_names_that_break_a_rule_give_400_naming_it(string names, string rule)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var manifest = string.Concat(names.Split('\n').Select(n => $"- 10 {upstream.File("x", 10)} {n}\n"));
        var (status, text) = await PostManifestAsync(app, manifest);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"rule: {rule}", text, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Theory]
    [InlineData("format=zip&name=")]
    [InlineData("format=zip&name=a%2Fb")]
    public async Task Empty_or_path_download_name_gives_400(string query)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var (status, text) = await PostManifestAsync(app, $"- 10 {upstream.File("x", 10)} x.bin\n", query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("name must be a file name", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_urls_outside_the_allowed_origins_are_refused_before_any_fetch_naming_the_entry()
    {
        await using var upstream = await Upstream.StartAsync();
        await using (var closed = await StartAsync())
        {
            var (status, text) = await PostManifestAsync(closed, $"- 10 {upstream.File("x", 10)} remote.bin\n");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("entry 'remote.bin'", text, StringComparison.Ordinal);
            Assert.Contains("allowed origin", text, StringComparison.Ordinal);
        }

        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var self = At(app, "/download?format=zip&file=a.txt");
        var (selfStatus, selfText) = await PostManifestAsync(app, $"{{\"name\":\"self.zip\",\"url\":\"{self}\"}}\n");
        Assert.Equal(HttpStatusCode.BadRequest, selfStatus);
        Assert.Contains("entry 'self.zip'", selfText, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Redirect_to_a_foreign_origin_fails_the_archive_without_fetching_it()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var other = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var hop = new Uri(upstream.BaseUri, "redirect?to=" + Uri.EscapeDataString(other.File("b", 10).ToString()));
        var (status, text) = await PostManifestAsync(app, $"- 10 {hop} b.bin\n", "format=tar.gz");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("is not in an allowed origin", text, StringComparison.Ordinal);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task Manifests_beyond_the_member_or_byte_limit_get_413()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri], MaxMembers = 3, MaxManifestBytes = 2000 });
        var lines = string.Concat(Enumerable.Range(0, 4).Select(i => $"- 10 {upstream.File("x", 10)} f{i}\n"));
        var (members, membersText) = await PostManifestAsync(app, lines);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, members);
        Assert.Contains("more than 3 members", membersText, StringComparison.Ordinal);

        var big = "#" + new string('x', 3000) + "\n";
        var (sized, _) = await PostManifestAsync(app, big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized);

        using var chunked = new StreamContent(new NonSeekable(Encoding.UTF8.GetBytes(big)));
        using var response = await _client.PostAsync(At(app, "/manifest?format=zip"), chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 2000 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_files_and_manifest_give_the_same_etag_and_bytes_seconds_apart_and_after_a_restart()
    {
        await using var upstream = await Upstream.StartAsync();
        var options = new ServeOptions { AllowedOrigins = [upstream.BaseUri] };
        var manifest = $"- 1000 {upstream.File("m", 1000, 3)} remote/m.bin\n{{\"name\":\"remote/j.bin\",\"url\":\"{upstream.File("j", 500, 4)}\",\"size\":500}}\n";
        async Task<List<(string? ETag, string Bytes)>> FetchAsync(WebApplication app)
        {
            using var download = await _client.GetAsync(At(app, "/download?format=tar&file=a.txt&file=sub%2Fc.txt"));
            using var posted = await _client.PostAsync(At(app, "/manifest?format=tar"), new StringContent(manifest, Encoding.UTF8));
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            return
            [
                (download.Headers.ETag?.Tag, Convert.ToBase64String(await download.Content.ReadAsByteArrayAsync())),
                (posted.Headers.ETag?.Tag, Convert.ToBase64String(await posted.Content.ReadAsByteArrayAsync())),
            ];
        }

        List<(string? ETag, string Bytes)> first, later, restarted;
        await using (var app = await StartAsync(options))
        {
            first = await FetchAsync(app);
            await Task.Delay(1100);
            later = await FetchAsync(app);
        }

        await using (var again = await StartAsync(options))
        {
            restarted = await FetchAsync(again);
        }

        Assert.All(first, r => Assert.NotNull(r.ETag));
        Assert.Equal(first, later);
        Assert.Equal(first, restarted);
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>The `formats serve` command line: the limits' flags and their refusals.</summary>
public sealed class ServeCommandLineTests
{
    private static StandardStreams Io(StringWriter output, StringWriter? error = null) => new(() => Stream.Null, () => Stream.Null, error ?? new StringWriter(), output);

    [Fact]
    public async Task Help_lists_the_origin_and_limit_flags()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["serve", "--help"], Io(output), CancellationToken.None));
        foreach (var flag in new[] { "--allow-origin", "--allowed-host", "--max-members", "--max-manifest-bytes", "--min-rate", "--rate-window" })
        {
            Assert.Contains(flag, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--allow-origin", "ftp://127.0.0.1")]
    [InlineData("--allow-origin", "http://user:pw@127.0.0.1")]
    [InlineData("--allow-origin", "http://127.0.0.1/path")]
    [InlineData("--allowed-host", "http://files.example")]
    [InlineData("--allowed-host", "files.example:8080")]
    [InlineData("--max-members", "many")]
    [InlineData("--max-manifest-bytes", "-1")]
    [InlineData("--rate-window", "0")]
    public async Task Bad_limit_values_are_usage_errors(string flag, string value)
    {
        // A usage error: exit status 2, its one line naming the flag.
        var error = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["serve", "--root", ".", flag, value], Io(new StringWriter(), error), CancellationToken.None));
        Assert.Contains(flag, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Origins_match_by_scheme_host_and_port()
    {
        var options = new ServeOptions { AllowedOrigins = [ServeOptions.ParseOrigin("http://127.0.0.1:8080"), ServeOptions.ParseOrigin("https://Files.Example.com")] };
        Assert.True(options.Allows(new Uri("http://127.0.0.1:8080/a/b?c")));
        Assert.True(options.Allows(new Uri("https://files.example.com:443/x")));
        Assert.False(options.Allows(new Uri("http://127.0.0.1:8081/a")));
        Assert.False(options.Allows(new Uri("http://files.example.com/x")));
    }
}
