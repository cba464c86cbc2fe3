using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// <c>formats gateway</c> in front of a real Django app whose views answer with manifests of files it serves only to a
/// logged-in session, and a second server standing for an origin the gateway must never reach.
/// </summary>
public sealed partial class GatewayTests(GatewayTests.Fixture fixture) : IClassFixture<GatewayTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private int _forbiddenRequests;

        public static readonly Dictionary<string, byte[]> Files = new()
        {
            ["a.txt"] = "abc"u8.ToArray(),
            ["b.bin"] = Bytes(300_000, 1),
            ["c.bin"] = Bytes(1_200_000, 2),
            ["d e.txt"] = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a line of text\n", 5000))),
        };

        public DjangoApp Django { get; private set; } = null!;

        public Server Forbidden { get; private set; } = null!;

        public WebApplication Gateway { get; private set; } = null!;

        public Uri GatewayUri => new(Gateway.Urls.First() + "/");

        public int ForbiddenRequests => Volatile.Read(ref _forbiddenRequests);

        public async ValueTask InitializeAsync()
        {
            Forbidden = await Server.StartAsync(app => app.Run(context =>
            {
                Interlocked.Increment(ref _forbiddenRequests);
                return context.Response.WriteAsync("secret");
            }));
            Django = await DjangoApp.StartAsync(Files, Forbidden.BaseUri);
            Gateway = GatewayCommand.Build(Django.BaseUri, "http://127.0.0.1:0", "/_formats", new ArchiveResponseOptions { MemberOrigin = Django.BaseUri }, logArchives: false);
            await Gateway.StartAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.StopAsync();
            await Gateway.DisposeAsync();
            await Django.DisposeAsync();
            await Forbidden.DisposeAsync();
        }

        /// <summary>A client of the gateway with a cookie jar, logged in through it when <paramref name="login"/>.</summary>
        public async Task<HttpClient> ClientAsync(bool login = true)
        {
            var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = GatewayUri,
                Timeout = TimeSpan.FromSeconds(120),
            };
            if (login)
            {
                (await client.GetAsync("login/?next=none")).EnsureSuccessStatusCode();
            }

            return client;
        }

        private static byte[] Bytes(int length, int seed)
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task A_manifest_answer_becomes_an_archive_that_real_readers_read_back(string format)
    {
        using var client = await fixture.ClientAsync();
        using var response = await client.GetAsync($"archive/{format}/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        Assert.Equal($"attachment; filename=\"photos.{format}\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("private, max-age=60", response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"last_download={format}", StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("X-Archive-Files"));
        Assert.False(response.Headers.Contains("X-Archive-Pass-Headers"));
        Assert.Equal(ArchiveFormats.TryParse(format, out var parsed) ? parsed.ContentType() : null, response.Content.Headers.ContentType?.MediaType);

        var path = Path.Combine(Path.GetTempPath(), $"gateway-{Guid.NewGuid():N}.{format}");
        await File.WriteAllBytesAsync(path, body);
        try
        {
            var members = format == "zip" ? ReadZip(body) : ReadTar(body, format);
            foreach (var (name, content) in Fixture.Files)
            {
                Assert.Equal(content, members["photos/" + name]);
            }

            Assert.True(members.ContainsKey("photos/empty/"), string.Join(", ", members.Keys));

            // The interop readers: Info-ZIP and 7-Zip for the zip, GNU tar and bsdtar for every tar.
            if (format == "zip")
            {
                var unzip = await ExternalTool.RunAsync("unzip", ["-t", path]);
                Assert.True(unzip.ExitCode == 0, unzip.Text + unzip.Stderr);
                var sevenZip = await ExternalTool.RunAsync("7zz", ["t", path]);
                Assert.True(sevenZip.ExitCode == 0, sevenZip.Text + sevenZip.Stderr);
            }
            else
            {
                var flag = format switch { "tar.gz" => "-z", "tar.zst" => "--zstd", _ => "-v" };
                var tar = await ExternalTool.RunAsync("tar", ["-t", flag, "-f", path]);
                Assert.True(tar.ExitCode == 0, tar.Stderr);
                Assert.Contains("photos/empty/", tar.Text, StringComparison.Ordinal);
                var bsdtar = await ExternalTool.RunAsync("bsdtar", ["-tf", path]);
                Assert.True(bsdtar.ExitCode == 0, bsdtar.Stderr);
                Assert.Contains("photos/d e.txt", bsdtar.Text, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Member_requests_carry_the_session_and_passed_headers_and_an_anonymous_archive_request_is_sent_to_the_login_page()
    {
        using (var client = await fixture.ClientAsync())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "archive/tar/");
            request.Headers.Add("X-Tenant", "blue");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsByteArrayAsync();
            var members = fixture.Django.Requests().Where(l => l.StartsWith("GET /files/", StringComparison.Ordinal) && l.Contains("pass=blue", StringComparison.Ordinal)).ToList();
            Assert.Equal(Fixture.Files.Count, members.Count);
            Assert.All(members, l => Assert.Contains("session=yes", l, StringComparison.Ordinal));
        }

        // The app refuses an anonymous archive itself (a redirect to its login page): no manifest, no member fetched,
        // no 502 naming the app's URLs.
        fixture.Django.ClearRequests();
        using var anonymous = await fixture.ClientAsync(login: false);
        using var refused = await anonymous.GetAsync("archive/zip/");
        Assert.Equal(HttpStatusCode.Found, refused.StatusCode);
        Assert.Equal("/login/?next=/archive/zip/", refused.Headers.Location?.OriginalString);
        Assert.DoesNotContain(fixture.Django.Requests(), l => l.StartsWith("GET /files/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task A_member_failing_after_the_first_bytes_aborts_the_connection(string format)
    {
        using var client = await fixture.ClientAsync();
        using var response = await client.GetAsync($"archive/{format}/?missing=yes", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync();
        var read = 0L;
        var failure = await Record.ExceptionAsync(async () =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                read += n;
            }
        });
        Assert.True(failure is IOException or HttpRequestException, $"read {read} bytes and then {failure?.GetType().Name ?? "a clean end"}");
        Assert.True(read > 0, "the failure came before the first byte: that is a 502's case");
    }

    [Theory]
    [InlineData("zip", "")]
    [InlineData("zip", "?crc=no")]
    [InlineData("tar", "")]
    public async Task A_range_resume_equals_the_tail_and_the_app_never_sees_range_or_if_headers(string format, string query)
    {
        using var client = await fixture.ClientAsync();
        using var full = await client.GetAsync($"archive/{format}/{query}");
        var whole = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal("bytes", full.Headers.AcceptRanges.Single());
        var etag = full.Headers.ETag!;
        Assert.False(etag.IsWeak);

        await DownloadAgainWithTheResumesCookiesAsync(client, format, query, whole);

        fixture.Django.ClearRequests();
        var cut = whole.Length * 2 / 3;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"archive/{format}/{query}");
        request.Headers.Range = new RangeHeaderValue(cut, null);
        request.Headers.IfRange = new RangeConditionHeaderValue(etag);
        using var resumed = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
        Assert.Equal(whole[cut..], await resumed.Content.ReadAsByteArrayAsync());

        var manifestRequests = fixture.Django.Requests().Where(l => l.Contains($"/archive/{format}/", StringComparison.Ordinal)).ToList();
        Assert.Single(manifestRequests);
        Assert.Contains("range=- if-range=- if-none-match=-", manifestRequests[0], StringComparison.Ordinal);
        AssertNoWholeRequestOfAMemberBeforeTheCut(query, whole, cut);

        // An If-Range that no longer matches gets the whole archive.
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"archive/{format}/{query}");
        stale.Headers.Range = new RangeHeaderValue(cut, null);
        stale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"old\""));
        using var again = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(whole, await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_asks_the_app_with_get_and_answers_the_same_length_and_etag_as_get()
    {
        using var client = await fixture.ClientAsync();
        using var get = await client.GetAsync("archive/zip/");
        var body = await get.Content.ReadAsByteArrayAsync();
        fixture.Django.ClearRequests();
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "archive/zip/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal(NewestFileTime(), head.Content.Headers.LastModified);
        var seen = fixture.Django.Requests();
        Assert.Contains(seen, l => l.StartsWith("GET /archive/zip/", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, l => l.StartsWith("HEAD ", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, l => l.StartsWith("GET /files/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_absolute_url_to_an_origin_not_allowed_is_refused_before_the_first_byte_and_that_origin_gets_no_request()
    {
        using var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("external/");
        var message = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("secret.bin", message, StringComparison.Ordinal);
        Assert.Contains("not in an allowed origin", message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.ForbiddenRequests);
    }

    [Fact]
    public async Task Names_in_the_charset_the_app_names_are_written_as_utf8()
    {
        using var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("charset/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, Encoding.UTF8.GetString(body));
        Assert.Equal(["фото.txt"], ReadZip(body).Keys);
    }

    private static Dictionary<string, byte[]> ReadZip(byte[] body)
    {
        using var zip = new ZipArchive(new MemoryStream(body), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    private static Dictionary<string, byte[]> ReadTar(byte[] body, string format)
    {
        Stream stream = new MemoryStream(body);
        stream = format switch
        {
            "tar.gz" => new GZipStream(stream, CompressionMode.Decompress),
            "tar.zst" => new ZstdSharp.DecompressionStream(stream),
            _ => stream,
        };
        using var reader = new TarReader(stream);
        var members = new Dictionary<string, byte[]>();
        while (reader.GetNextEntry() is { } entry)
        {
            var m = new MemoryStream();
            entry.DataStream?.CopyTo(m);
            members[entry.EntryType == TarEntryType.Directory && !entry.Name.EndsWith('/') ? entry.Name + "/" : entry.Name] = m.ToArray();
        }

        return members;
    }
}
