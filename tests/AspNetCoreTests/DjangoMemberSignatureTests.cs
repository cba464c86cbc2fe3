using System.IO.Compression;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Cli;

namespace Formats.AspNetCoreTests;

/// <summary>
/// samples/django/app.py started with a member secret (MEMBER_SECRET_FILE, the file the gateway's
/// --member-secret-file reads): its files view answers the gateway's signed requests only, the logged-in user's
/// archive still works, and the same user asking for a file directly is refused.
/// </summary>
public sealed class DjangoMemberSignatureTests
{
    [Fact]
    public async Task Files_of_a_django_app_with_a_member_secret_reach_the_archive_but_not_the_user_directly()
    {
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, "a-secret-of-more-than-32-bytes-for-the-django-sample\n", TestContext.Current.CancellationToken);
        await using var forbidden = await Server.StartAsync(_ => { });
        var files = new Dictionary<string, byte[]> { ["a.txt"] = Encoding.ASCII.GetBytes("alpha"), ["b.txt"] = Encoding.ASCII.GetBytes("bravo!") };
        await using var django = await DjangoApp.StartAsync(files, forbidden.BaseUri, secretFile);
        var options = new ArchiveResponseOptions
        {
            MemberOrigin = django.BaseUri,
            MemberSecret = Encoding.ASCII.GetBytes("a-secret-of-more-than-32-bytes-for-the-django-sample"),
        };
        await using var gateway = GatewayCommand.Build(django.BaseUri, "http://127.0.0.1:0", "/_formats", options, logArchives: false);
        await gateway.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            using var user = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(gateway.Urls.First() + "/") };
            (await user.GetAsync(new Uri("login/?next=none", UriKind.Relative), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

            using var archive = await user.GetAsync(new Uri("archive/zip/", UriKind.Relative), TestContext.Current.CancellationToken);
            var body = await archive.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            using var direct = await user.GetAsync(new Uri("files/a.txt", UriKind.Relative), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(body));
            Assert.Equal("alpha", await new StreamReader(zip.GetEntry("photos/a.txt")!.Open()).ReadToEndAsync(TestContext.Current.CancellationToken));
            Assert.Equal("bravo!", await new StreamReader(zip.GetEntry("photos/b.txt")!.Open()).ReadToEndAsync(TestContext.Current.CancellationToken));
            Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
            Assert.Contains("for the gateway only", await direct.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        finally
        {
            await gateway.StopAsync(TestContext.Current.CancellationToken);
            File.Delete(secretFile);
        }
    }
}
