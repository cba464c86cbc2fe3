using System.Net;
using System.Net.Http.Headers;

namespace Formats.AspNetCoreTests;

/// <summary>
/// samples/django/app.py as the model an app copies (docs/gateway.md, "What the upstream should send"): member
/// responses with validators and single ranges, and CRC-32s computed once per file version.
/// </summary>
public sealed class DjangoSampleTests(GatewayTests.Fixture fixture) : IClassFixture<GatewayTests.Fixture>
{
    /// <summary>A client of the app itself (not the gateway), logged in.</summary>
    private async Task<HttpClient> AppClientAsync()
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = fixture.Django.BaseUri,
            Timeout = TimeSpan.FromSeconds(120),
        };
        (await client.GetAsync("login/?next=none")).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, Action<HttpRequestHeaders> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        headers(request.Headers);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Member_responses_carry_validators_and_answer_a_single_range_with_206_or_416()
    {
        using var client = await AppClientAsync();
        var file = GatewayTests.Fixture.Files["b.bin"];
        using var whole = await client.GetAsync("files/b.bin");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(file, await whole.Content.ReadAsByteArrayAsync());
        var etag = whole.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.NotNull(whole.Content.Headers.LastModified);
        Assert.Equal("bytes", Assert.Single(whole.Headers.AcceptRanges));

        using var middle = await GetAsync(client, "files/b.bin", h => h.Range = new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
        Assert.Equal($"bytes 100-199/{file.Length}", middle.Content.Headers.ContentRange?.ToString());
        Assert.Equal(file[100..200], await middle.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, middle.Headers.ETag);

        using var tail = await GetAsync(client, "files/b.bin", h =>
        {
            h.Range = new RangeHeaderValue(file.Length - 1000, null);
            h.IfRange = new RangeConditionHeaderValue(etag);
        });
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(file[^1000..], await tail.Content.ReadAsByteArrayAsync());

        using var suffix = await GetAsync(client, "files/b.bin", h => h.Range = new RangeHeaderValue(null, 10));
        Assert.Equal(HttpStatusCode.PartialContent, suffix.StatusCode);
        Assert.Equal(file[^10..], await suffix.Content.ReadAsByteArrayAsync());

        using var stale = await GetAsync(client, "files/b.bin", h =>
        {
            h.Range = new RangeHeaderValue(100, 199);
            h.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"old\""));
        });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(file, await stale.Content.ReadAsByteArrayAsync());

        using var beyond = await GetAsync(client, "files/b.bin", h => h.Range = new RangeHeaderValue(file.Length, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{file.Length}", beyond.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_second_archive_request_reads_no_file_for_its_crcs_until_a_file_changes()
    {
        using var client = await fixture.ClientAsync();
        int CrcReads() => fixture.Django.Requests().Count(l => l.StartsWith("crc-read ", StringComparison.Ordinal));

        fixture.Django.ClearRequests();
        (await client.GetAsync("archive/zip/")).EnsureSuccessStatusCode();
        Assert.InRange(CrcReads(), 0, GatewayTests.Fixture.Files.Count);

        fixture.Django.ClearRequests();
        using (var again = await client.GetAsync("archive/zip/"))
        {
            again.EnsureSuccessStatusCode();
        }

        Assert.Equal(0, CrcReads());

        // The same bytes with a new mtime: a new version of the file, read once more for its CRC-32.
        var path = Path.Combine(fixture.Django.Files, "a.txt");
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(-10));
        fixture.Django.ClearRequests();
        using var changed = await client.GetAsync("archive/zip/");
        changed.EnsureSuccessStatusCode();
        Assert.Equal(["crc-read a.txt"], fixture.Django.Requests().Where(l => l.StartsWith("crc-read ", StringComparison.Ordinal)));
    }
}
