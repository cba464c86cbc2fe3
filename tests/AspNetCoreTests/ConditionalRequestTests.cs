using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since on the gateway (real Kestrels: the gateway and an
/// app that answers manifests), evaluated in RFC 9110 §13.2.2's order before If-Range and Range, for GET and HEAD.
/// </summary>
public sealed class ConditionalRequestTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private AppGateway? _gateway;
    private HttpClient? _client;
    private byte[] _whole = [];
    private EntityTagHeaderValue _etag = EntityTagHeaderValue.Any;

    public async ValueTask InitializeAsync()
    {
        _gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/archive/{format}", (HttpContext context, string format) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = format;
                context.Response.Headers.CacheControl = "private, max-age=60";
                context.Response.GetTypedHeaders().LastModified = Time;
                return context.Response.WriteAsync("- 3000 /file/a a.bin\n- 2000 /file/b b.bin\n");
            });
            app.MapGet("/file/{name}", (string name) => Results.Bytes(SyntheticStream.Bytes(name == "a" ? 3000 : 2000, name[0], compressible: false), "application/octet-stream"));
        });
        _client = _gateway.Client();
        using var full = await _client.GetAsync("archive/zip");
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        _whole = await full.Content.ReadAsByteArrayAsync();
        _etag = full.Headers.ETag!;
        Assert.Equal(Time, full.Content.Headers.LastModified);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Action<HttpRequestHeaders> headers, HttpMethod? method = null, string path = "archive/zip", bool range = true)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (range)
        {
            request.Headers.Range = new RangeHeaderValue(100, null);
        }

        headers(request.Headers);
        var response = await _client!.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task If_match_with_another_tag_gets_412_even_with_a_range()
    {
        using var response = await SendAsync(h => h.IfMatch.Add(new EntityTagHeaderValue("\"nope\"")));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task If_none_match_with_the_current_tag_gets_304_with_the_validators_and_kept_headers_and_no_body()
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await SendAsync(h => h.IfNoneMatch.Add(_etag), method, range: false);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(_etag, response.Headers.ETag);
            Assert.Equal(Time, response.Content.Headers.LastModified);
            Assert.True(response.Headers.CacheControl is { Private: true, MaxAge.TotalSeconds: 60 });
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        // Weak comparison: the same tag marked weak matches too.
        using var weak = await SendAsync(h => h.IfNoneMatch.Add(new EntityTagHeaderValue(_etag.Tag, isWeak: true)), range: false);
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
    }

    [Fact]
    public async Task If_unmodified_since_before_the_last_modification_gets_412_even_with_a_range()
    {
        using var response = await SendAsync(h => h.IfUnmodifiedSince = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        using var later = await SendAsync(h => h.IfUnmodifiedSince = Time);
        Assert.Equal(HttpStatusCode.PartialContent, later.StatusCode);
        Assert.Equal(_whole[100..], await later.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task If_match_with_the_current_tag_goes_on_to_the_range_and_outranks_if_unmodified_since()
    {
        using var response = await SendAsync(h =>
        {
            h.IfMatch.Add(new EntityTagHeaderValue("\"other\""));
            h.IfMatch.Add(_etag);
            h.IfUnmodifiedSince = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        });
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(_whole[100..], await response.Content.ReadAsByteArrayAsync());

        // If-Match compares strongly: a weak tag never matches.
        using var weak = await SendAsync(h => h.IfMatch.Add(new EntityTagHeaderValue(_etag.Tag, isWeak: true)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, weak.StatusCode);
    }

    [Fact]
    public async Task If_match_is_evaluated_before_if_none_match_and_if_none_match_before_if_range()
    {
        using var both = await SendAsync(h =>
        {
            h.IfMatch.Add(new EntityTagHeaderValue("\"nope\""));
            h.IfNoneMatch.Add(_etag);
        });
        Assert.Equal(HttpStatusCode.PreconditionFailed, both.StatusCode);

        using var notModified = await SendAsync(h =>
        {
            h.IfNoneMatch.Add(_etag);
            h.IfRange = new RangeConditionHeaderValue(_etag);
        });
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task If_modified_since_gets_304_when_not_modified_and_is_ignored_beside_if_none_match()
    {
        using var notModified = await SendAsync(h => h.IfModifiedSince = Time, HttpMethod.Head, range: false);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var modified = await SendAsync(h => h.IfModifiedSince = Time.AddSeconds(-1), range: false);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal(_whole, await modified.Content.ReadAsByteArrayAsync());

        // A non-matching If-None-Match decides alone: the date, which would give 304, is not looked at.
        using var changed = await SendAsync(
            h =>
            {
                h.IfNoneMatch.Add(new EntityTagHeaderValue("\"old\""));
                h.IfModifiedSince = Time;
            },
            range: false);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(_whole, await changed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_archive_without_an_etag_fails_every_if_match_but_a_star()
    {
        using var tagged = await SendAsync(h => h.IfMatch.Add(_etag), path: "archive/tar.gz", range: false);
        Assert.Equal(HttpStatusCode.PreconditionFailed, tagged.StatusCode);
        using var any = await SendAsync(h => h.IfMatch.Add(EntityTagHeaderValue.Any), path: "archive/tar.gz", range: false);
        Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        Assert.Null(any.Headers.ETag);
    }
}
