using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>ETag, Last-Modified, Date and the Range / If-Range edge cases of ArchiveResult.</summary>
public sealed class ValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("formats-validators-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FileAt(string name, string text, DateTimeOffset mtime)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, mtime.UtcDateTime);
        return path;
    }

    private static Task<Server> ServeAsync(Func<IResult> result) =>
        Server.StartAsync(app => app.MapMethods("/download", ["GET", "HEAD"], () => result()));

    private static async Task<HttpResponseMessage> GetAsync(Server server, Action<HttpRequestMessage>? configure = null)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, "download"));
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task File_dated_in_the_future_gives_a_last_modified_no_later_than_date_that_never_matches_if_range()
    {
        var path = FileAt("future.txt", "from the future", DateTimeOffset.UtcNow.AddYears(1));
        await using var server = await ServeAsync(() => new ArchiveResult([new ArchiveItem(new ArchiveEntry("future.txt"), EntrySource.FromFile(path))], ArchiveFormat.Tar, "x"));
        using var first = await GetAsync(server);
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.True(lastModified <= first.Headers.Date!.Value, $"Last-Modified {lastModified:R} is later than Date {first.Headers.Date:R}");

        using var ranged = await GetAsync(server, r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.IfRange = new RangeConditionHeaderValue(lastModified);
        });
        Assert.Equal(HttpStatusCode.OK, ranged.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await ranged.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task If_range_with_the_last_modified_date_of_an_old_file_gets_206()
    {
        var time = new DateTimeOffset(2021, 3, 4, 5, 6, 8, TimeSpan.Zero);
        var path = FileAt("old.txt", "from the past", time);
        await using var server = await ServeAsync(() => new ArchiveResult([new ArchiveItem(new ArchiveEntry("old.txt"), EntrySource.FromFile(path))], ArchiveFormat.Tar, "x"));
        using var first = await GetAsync(server);
        Assert.Equal(time, first.Content.Headers.LastModified);
        using var ranged = await GetAsync(server, r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.IfRange = new RangeConditionHeaderValue(time);
        });
        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
    }

    [Fact]
    public async Task Entry_without_a_time_takes_its_file_source_mtime_in_the_bytes_sent()
    {
        var time = new DateTimeOffset(2021, 3, 4, 5, 6, 8, TimeSpan.Zero);
        var path = FileAt("f.txt", "content", time);
        await using var server = await ServeAsync(() => new ArchiveResult([new ArchiveItem(new ArchiveEntry("f.txt"), EntrySource.FromFile(path))], ArchiveFormat.Tar, "x"));
        using var response = await GetAsync(server);
        using var reader = new System.Formats.Tar.TarReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(time, reader.GetNextEntry()!.ModificationTime);
    }

    [Fact]
    public async Task Range_to_the_largest_integer_is_the_whole_archive_as_206()
    {
        await using var server = await ServeAsync(() => new ArchiveResult([new ArchiveItem(new ArchiveEntry("a.txt") { LastModified = DateTimeOffset.UnixEpoch }, EntrySource.FromBytes("abc"u8.ToArray()))], ArchiveFormat.Tar, "x"));
        using var whole = await GetAsync(server);
        var full = await whole.Content.ReadAsByteArrayAsync();
        using var ranged = await GetAsync(server, r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-9223372036854775807"));
        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
        Assert.Equal($"bytes 0-{full.Length - 1}/{full.Length}", ranged.Content.Headers.ContentRange!.ToString());
        Assert.Equal(full, await ranged.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("not-a-validator")]
    [InlineData("W/\"weak\"")]
    [InlineData("yesterday")]
    public async Task If_range_that_is_not_a_strong_validator_gets_the_whole_200(string ifRange)
    {
        await using var server = await ServeAsync(() => new ArchiveResult([new ArchiveItem(new ArchiveEntry("a.txt") { LastModified = DateTimeOffset.UnixEpoch }, EntrySource.FromBytes("abc"u8.ToArray()))], ArchiveFormat.Tar, "x"));
        using var ranged = await GetAsync(server, r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.TryAddWithoutValidation("If-Range", ifRange);
        });
        Assert.Equal(HttpStatusCode.OK, ranged.StatusCode);
    }
}
