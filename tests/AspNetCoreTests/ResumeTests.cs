using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Resumes of `formats serve` zips, whose members declare no CRC-32: on a cold store, after a restart with the SQLite
/// store, on another instance sharing a real redis-server, and with validators that change when a file does.
/// </summary>
public sealed class ResumeTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("formats-resume-").FullName;
    private readonly HttpClient _client = new();

    private static readonly (string Name, int Size)[] Files = [("a.bin", 300_000), ("b.bin", 1), ("c.bin", 700_000), ("d.bin", 250_000)];

    public ResumeTests()
    {
        foreach (var (name, size) in Files)
        {
            var bytes = new byte[size];
            new Random(size).NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(_root, name), bytes);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
        await Task.CompletedTask;
    }

    private async Task<WebApplication> StartAsync(ICrcStore store)
    {
        var app = ServeCommand.Build(_root, "http://127.0.0.1:0", new ServeOptions { CrcStore = Patient(store) });
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// The store behind a breaker that waits a minute: these tests are about where CRC-32s are found, not about a slow
    /// store (CrcStoreOutageTests' subject). With serve's default 500 ms, a loaded machine's first SQLite or Redis call
    /// tripped the breaker, so the first process remembered nothing and the resume test failed.
    /// </summary>
    private static ResilientCrcStore Patient(ICrcStore store) =>
        new(store is ResilientCrcStore resilient ? resilient.Inner : store) { Timeout = TimeSpan.FromMinutes(1), WriteTimeout = TimeSpan.FromMinutes(1) };

    private static Uri Download(WebApplication app) =>
        new(app.Urls.First() + "/download?format=zip&" + string.Join("&", Files.Select(f => "file=" + f.Name)));

    private async Task<HttpResponseMessage> RangeAsync(WebApplication app, long from, EntityTagHeaderValue? ifRange)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Download(app));
        request.Headers.Range = new RangeHeaderValue(from, null);
        if (ifRange is not null)
        {
            request.Headers.IfRange = new RangeConditionHeaderValue(ifRange);
        }

        return await _client.SendAsync(request);
    }

    /// <summary>Reads the first <paramref name="count"/> bytes of a download, then drops the connection: a transfer cut short.</summary>
    private static async Task<byte[]> CutAsync(WebApplication app, int count)
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync(Download(app), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var head = new byte[count];
        await stream.ReadExactlyAsync(head);
        return head;
    }

    [Fact]
    public async Task A_stored_zip_without_declared_crcs_resumes_on_a_cold_store()
    {
        await using var app = await StartAsync(new MemoryCrcStore());
        using var full = await _client.GetAsync(Download(app));
        var whole = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal("bytes", full.Headers.AcceptRanges.Single());
        Assert.False(full.Headers.ETag!.IsWeak);

        await using var cold = await StartAsync(new MemoryCrcStore());
        var cut = whole.Length * 9 / 10;
        using var tail = await RangeAsync(cold, cut, full.Headers.ETag);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(whole[cut..], await tail.Content.ReadAsByteArrayAsync());
        using var zip = new ZipArchive(new MemoryStream(whole));
        Assert.Equal(Files.Select(f => f.Name), zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task A_resume_after_a_restart_with_the_sqlite_store_finds_the_crcs_the_process_before_computed()
    {
        var path = Path.Combine(_root, "crc.db");
        byte[] head;
        await using (var first = await StartAsync(new SqliteCrcStore(path)))
        {
            // Cut inside d: the client has d's first bytes only after the writer read c whole and remembered its CRC-32.
            // (A cut inside c, as this test had, counted on the server running ahead of the client, which a loaded
            // machine did not: c was still being read when the client dropped, and nothing of it was remembered.)
            head = await CutAsync(first, 1_100_000);
        }

        // The first process read a, b and c whole before the cut: their CRC-32s are in the file.
        var reopened = new SqliteCrcStore(path);
        foreach (var name in new[] { "a.bin", "b.bin", "c.bin" })
        {
            var identity = await EntrySource.FromFile(Path.Combine(_root, name)).GetIdentityAsync(default);
            Assert.NotNull(await reopened.GetAsync(CrcStoreKeys.For(identity!), default));
        }

        await using var second = await StartAsync(reopened);
        using var whole = await _client.GetAsync(Download(second));
        var full = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(full[..head.Length], head);
        using var tail = await RangeAsync(second, head.Length, whole.Headers.ETag);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(full[head.Length..], await tail.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_download_cut_on_one_instance_resumes_on_another_sharing_redis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var one = await StartAsync(CrcStores.Open(redis.Url));
        await using var two = await StartAsync(CrcStores.Open(redis.Url));
        using var first = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Download(one)));
        var head = await CutAsync(one, 1_100_000);

        // The other instance has the same validator and finds a, b and c remembered by the first (whose queued writes
        // reach redis when it stops).
        await one.StopAsync();
        // Asked without the breaker's short timeout: this is the test's look at redis, whose first call opens a connection.
        await using var store = CrcStores.Open(redis.Url);
        var identity = await EntrySource.FromFile(Path.Combine(_root, "c.bin")).GetIdentityAsync(default);
        Assert.NotNull(await ((Formats.AspNetCore.ResilientCrcStore)store).Inner.GetAsync(CrcStoreKeys.For(identity!), default));
        using var tail = await RangeAsync(two, head.Length, first.Headers.ETag);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        var joined = head.Concat(await tail.Content.ReadAsByteArrayAsync()).ToArray();
        using var whole = await _client.GetAsync(Download(two));
        Assert.Equal(await whole.Content.ReadAsByteArrayAsync(), joined);
    }

    [Fact]
    public async Task A_changed_file_gets_a_new_etag_and_an_if_range_with_the_old_one_gets_the_whole_archive()
    {
        await using var app = await StartAsync(new MemoryCrcStore());
        using var before = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Download(app)));
        File.SetLastWriteTimeUtc(Path.Combine(_root, "c.bin"), new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        using var after = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Download(app)));
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);

        using var stale = await RangeAsync(app, 1000, before.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(after.Content.Headers.ContentLength, (await stale.Content.ReadAsByteArrayAsync()).Length);
    }
}
