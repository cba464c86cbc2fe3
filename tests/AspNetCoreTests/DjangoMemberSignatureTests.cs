using System.IO.Compression;
using System.Net;
using System.Text;

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
        try
        {
            await using var gateway = await CliGateway.StartAsync(django.BaseUri, "--member-secret-file", secretFile);
            using var user = gateway.Client(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
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
            File.Delete(secretFile);
        }
    }

    private static async Task<byte[]> ReadAsync(ZipArchiveEntry entry)
    {
        using var bytes = new MemoryStream();
        await using var stream = await entry.OpenAsync(TestContext.Current.CancellationToken);
        await stream.CopyToAsync(bytes, TestContext.Current.CancellationToken);
        return bytes.ToArray();
    }
}
