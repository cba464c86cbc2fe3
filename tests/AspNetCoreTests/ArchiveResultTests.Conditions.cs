using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;

namespace Formats.AspNetCoreTests;

/// <summary>RFC 9110 §13.2.2's preconditions on <see cref="ArchiveResult"/> itself, with no middleware in front of it.</summary>
public sealed partial class ArchiveResultTests
{
    [Fact]
    public async Task ArchiveResult_alone_answers_if_none_match_with_the_current_tag_with_304_and_a_failed_if_match_with_a_range_with_412()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), ArchiveFormat.Zip, "photos"));
        using var whole = await GetAsync(server);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var etag = whole.Headers.ETag!;
        Assert.False(etag.IsWeak);
        var requestsForWhole = upstream.Requests.Count;

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var notModified = await GetAsync(server, r => r.Headers.IfNoneMatch.Add(etag), method);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(etag, notModified.Headers.ETag);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        using var failed = await GetAsync(server, r =>
        {
            r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"nope\""));
            r.Headers.Range = new RangeHeaderValue(100, 199);
        });
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        Assert.Empty(await failed.Content.ReadAsByteArrayAsync());

        // Neither answer needed a member: no byte of the archive was made.
        Assert.Equal(requestsForWhole, upstream.Requests.Count);
    }
}
