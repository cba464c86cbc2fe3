using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Formats.AspNetCore;
using Formats.Cli;
using Formats.Zip;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Formats.AspNetCoreTests;

/// <summary>
/// What a CRC store is keyed by, through a real gateway: a member fetched with one user's credentials is never answered
/// from another user's CRC-32, and no store (SQLite file, real redis-server) keeps a URL, its user information or its
/// query token in clear text.
/// </summary>
public sealed class CrcStoreKeyTests : IDisposable
{
    private const int Members = 6;
    private const int MemberSize = 50_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("formats-crc-keys-").FullName;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose()
    {
        _client.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<WebApplication> StartGatewayAsync(UserFilesApp app, ICrcStore store)
    {
        var gateway = GatewayCommand.Build(app.BaseUri, "http://127.0.0.1:0", "/_formats", new ArchiveResponseOptions
        {
            AllowedOrigins = [app.BaseUri],
            ZipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = store },
        }, logArchives: false);
        await gateway.StartAsync();
        return gateway;
    }

    private async Task<HttpResponseMessage> GetAsync(WebApplication gateway, string? user, Action<HttpRequestMessage>? change = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, gateway.Urls.First() + "/archive");
        if (user is not null)
        {
            request.Headers.Add("Cookie", "user=" + user);
        }

        change?.Invoke(request);
        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task A_resume_of_one_user_never_uses_the_crcs_another_users_download_remembered()
    {
        await using var app = await UserFilesApp.StartAsync(Members, MemberSize);
        await using var gateway = await StartGatewayAsync(app, CrcStores.Open("memory"));

        // Bob gets the first 150,000 bytes, Alice the whole archive (same manifest, same sizes and Last-Modified, other
        // bytes), then Bob resumes with If-Range.
        const int Cut = 150_000;
        using var head = await GetAsync(gateway, "bob", r => r.Headers.Range = new RangeHeaderValue(0, Cut - 1));
        Assert.Equal(HttpStatusCode.PartialContent, head.StatusCode);
        var bobHead = await head.Content.ReadAsByteArrayAsync();
        using var alice = await GetAsync(gateway, "alice");
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal(head.Headers.ETag, alice.Headers.ETag);
        await alice.Content.ReadAsByteArrayAsync();
        using var tail = await GetAsync(gateway, "bob", r =>
        {
            r.Headers.Range = new RangeHeaderValue(Cut, null);
            r.Headers.IfRange = new RangeConditionHeaderValue(head.Headers.ETag!);
        });
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        var joined = bobHead.Concat(await tail.Content.ReadAsByteArrayAsync()).ToArray();

        using var whole = await GetAsync(gateway, "bob");
        Assert.Equal(await whole.Content.ReadAsByteArrayAsync(), joined);

        // Real readers check every CRC-32 against Bob's bytes.
        using (var zip = new ZipArchive(new MemoryStream(joined), ZipArchiveMode.Read))
        {
            Assert.Equal(Members, zip.Entries.Count);
            foreach (var entry in zip.Entries)
            {
                var member = int.Parse(entry.Name[1..^4], System.Globalization.CultureInfo.InvariantCulture);
                using var content = new MemoryStream();
                await using (var stream = await entry.OpenAsync())
                {
                    await stream.CopyToAsync(content);
                }

                Assert.Equal(Enumerable.Range(0, MemberSize).Select(at => UserFilesApp.ByteAt("bob", member, at)), content.ToArray());
            }
        }

        var path = Path.Combine(_folder, "bob.zip");
        await File.WriteAllBytesAsync(path, joined);
        var test = await ExternalTool.RunAsync("unzip", ["-t", path], timeoutSeconds: 60);
        Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
    }

    [Fact]
    public async Task No_store_keeps_a_url_its_user_information_or_its_query_token_in_clear_text()
    {
        const string Password = "SECRETPASS";
        const string Token = "SIGNATURETOKEN";
        await using var app = await UserFilesApp.StartAsync(Members, MemberSize, (uri, i) =>
            $"- {MemberSize} http://alice:{Password}@127.0.0.1:{uri.Port}/m/{i}?X-Amz-Signature={Token}{i} m{i}.bin");
        await using var redis = await RedisServer.StartAsync();
        var database = Path.Combine(_folder, "crc.db");
        foreach (var store in new[] { database, redis.Url })
        {
            // A whole download and a resume remember every member's CRC-32; stopping the gateway writes what is queued.
            await using var gateway = await StartGatewayAsync(app, CrcStores.Open(store));
            using var whole = await GetAsync(gateway, user: null);
            var full = await whole.Content.ReadAsByteArrayAsync();
            using var tail = await GetAsync(gateway, user: null, r =>
            {
                r.Headers.Range = new RangeHeaderValue(full.Length / 2, null);
                r.Headers.IfRange = new RangeConditionHeaderValue(whole.Headers.ETag!);
            });
            Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
            Assert.Equal(full[(full.Length / 2)..], await tail.Content.ReadAsByteArrayAsync());
            await gateway.StopAsync();
        }

        string[] secrets = [Password, Token, "alice", "127.0.0.1", "/m/", "url:"];
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_folder, "crc.db*"))
        {
            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }

        await using (var connection = new SqliteConnection($"Data Source={database}"))
        {
            await connection.OpenAsync();
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM crc_by_key";
            Assert.Equal((long)Members, await count.ExecuteScalarAsync());
        }

        var keys = await redis.KeysAsync();
        Assert.Equal(Members, keys.Count);
        Assert.All(keys, key => Assert.Matches("^formats:crc:[0-9a-f]{64}$", key));
    }
}
