using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Formats.Zip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>What ArchiveResult answers when it cannot make the archive before anything was sent.</summary>
public sealed class ErrorResponseTests
{
    private static readonly HttpClient Upstreams = new();

    private static Task<Server> ServeAsync(Func<IResult> result) =>
        Server.StartAsync(app => app.MapMethods("/download", ["GET", "HEAD"], () => result()));

    [Theory]
    [InlineData(ArchiveFormat.Zip)]
    [InlineData(ArchiveFormat.Tar)]
    [InlineData(ArchiveFormat.TarGzip)]
    public async Task Failure_after_a_member_but_before_the_first_flush_gives_a_502_that_carries_only_the_error(ArchiveFormat format)
    {
        await using var upstream = await Upstream.StartAsync();
        var missing = new Uri(upstream.BaseUri, "missing/thing");
        ArchiveItem[] items =
        [
            new(new ArchiveEntry("secret.txt") { LastModified = DateTimeOffset.UnixEpoch }, EntrySource.FromBytes("SECRET-CONTENT"u8.ToArray())),
            new(new ArchiveEntry("gone.bin") { Length = 10 }, EntrySource.FromUrl(Upstreams, missing, 10)),
        ];
        await using var server = await ServeAsync(() => new ArchiveResult(items, format, "x") { ZipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored } });
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "download"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("the archive could not be made: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        Assert.Contains("entry 'gone.bin'", text, StringComparison.Ordinal);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData(ArchiveFormat.Zip)]
    [InlineData(ArchiveFormat.TarGzip)]
    public async Task Name_refused_by_the_policy_anywhere_in_the_list_gives_400_naming_the_rule_before_any_byte(ArchiveFormat format)
    {
        ArchiveItem[] items =
        [
            new(new ArchiveEntry("a.txt"), EntrySource.FromBytes("a"u8.ToArray())),
            new(new ArchiveEntry("b.txt"), EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new SyntheticStream(10_000_000)))),
            new(new ArchiveEntry("a.txt"), EntrySource.FromBytes("again"u8.ToArray())),
        ];
        await using var server = await ServeAsync(() => new ArchiveResult(items, format, "x") { ZipOptions = new ZipWriterOptions() });
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "download"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("rule: Duplicate", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
