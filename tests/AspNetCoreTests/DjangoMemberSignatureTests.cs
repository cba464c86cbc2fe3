using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Formats.Cli;

namespace Formats.AspNetCoreTests;

/// <summary>
/// samples/django/app.py started with a member secret (MEMBER_SECRET_FILE) and <c>formats gateway</c> run from its
/// command line with <c>--member-secret-file</c> naming the same file (ending with CRLF, which neither side takes as
/// part of the secret): its files view answers the gateway's signed requests only, for names that
/// <c>urllib.parse.quote</c> escapes too, the logged-in user's archive works, and the same user asking for a file
/// directly is refused.
/// </summary>
public sealed class DjangoMemberSignatureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Files_of_a_django_app_with_a_member_secret_reach_the_archive_but_not_the_user_directly()
    {
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, "a-secret-of-more-than-32-bytes-for-the-django-sample\r\n", TestContext.Current.CancellationToken);
        await using var forbidden = await Server.StartAsync(_ => { });
        var files = new Dictionary<string, byte[]>
        {
            ["a.txt"] = Encoding.ASCII.GetBytes("alpha"),
            ["b.txt"] = Encoding.ASCII.GetBytes("bravo!"),
            ["photo (1).jpg"] = Encoding.ASCII.GetBytes("photo"),      // quote(): photo%20%281%29.jpg
            ["фото ü+1.txt"] = Encoding.ASCII.GetBytes("non-ascii"),   // quote(): UTF-8 escaped, %2B
        };
        await using var django = await DjangoApp.StartAsync(files, forbidden.BaseUri, secretFile);

        // The gateway as its command line starts it: the secret comes from the file, read and trimmed by the CLI.
        var url = $"http://127.0.0.1:{FreePort()}";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var io = new StandardStreams(() => Stream.Null, () => Stream.Null, new StringWriter(), new StringWriter());
        var gateway = CliApp.RunAsync(["gateway", "--upstream", django.BaseUri.ToString(), "--urls", url, "--crc-store", "memory", "--member-secret-file", secretFile], io, stop.Token);
        try
        {
            using var user = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(url + "/"), Timeout = Bound };
            await WaitForAsync(user, gateway, io);
            (await user.GetAsync(new Uri("login/?next=none", UriKind.Relative), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

            using var archive = await user.GetAsync(new Uri("archive/zip/", UriKind.Relative), TestContext.Current.CancellationToken);
            var body = await archive.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            using var direct = await user.GetAsync(new Uri("files/a.txt", UriKind.Relative), TestContext.Current.CancellationToken);

            Assert.True(archive.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
            using var zip = new ZipArchive(new MemoryStream(body));
            foreach (var (name, content) in files)
            {
                Assert.Equal(content, await ReadAsync(zip.GetEntry("photos/" + name)!));
            }

            Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
            Assert.Contains("for the gateway only", await direct.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await gateway.WaitAsync(Bound, TestContext.Current.CancellationToken);
            File.Delete(secretFile);
        }
    }

    /// <summary>Until the gateway answers (its health route), at most <see cref="Bound"/>; fails at once if it exited.</summary>
    private static async Task WaitForAsync(HttpClient client, Task<int> gateway, StandardStreams io)
    {
        var until = DateTime.UtcNow + Bound;
        for (var i = 0; i < 600 && DateTime.UtcNow < until; i++)
        {
            Assert.False(gateway.IsCompleted, $"the gateway exited: {io.Error}");
            try
            {
                using var health = await client.GetAsync(new Uri("_formats/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.Fail("the gateway did not start");
    }

    private static async Task<byte[]> ReadAsync(ZipArchiveEntry entry)
    {
        using var bytes = new MemoryStream();
        await using var stream = await entry.OpenAsync(TestContext.Current.CancellationToken);
        await stream.CopyToAsync(bytes, TestContext.Current.CancellationToken);
        return bytes.ToArray();
    }
}
