using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Members only the gateway may fetch: the real gateway with <see cref="ArchiveResponseOptions.MemberSecret"/> in front
/// of an app whose member route answers only requests with a valid <see cref="MemberSignature.HeaderName"/>, as an
/// nginx <c>internal</c> location answers only mod_zip; and a second Kestrel, an allowed origin, that counts the
/// signatures it is sent (none may reach it).
/// </summary>
public sealed class MemberSignatureTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef-test");

    private sealed class Apps : IAsyncDisposable
    {
        public AppGateway Gateway { get; set; } = null!;

        public Server Other { get; set; } = null!;

        /// <summary>The signature header of each request the other origin got (null: none).</summary>
        public ConcurrentQueue<string?> SignaturesAtOther { get; } = new();

        /// <summary>The member paths the app refused for want of a valid signature.</summary>
        public ConcurrentQueue<string> Refused { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Other.DisposeAsync();
        }
    }

    private static async Task<Apps> StartAsync()
    {
        var apps = new Apps();
        apps.Other = await Server.StartAsync(app => app.MapGet("/c.txt", (HttpContext context) =>
        {
            apps.SignaturesAtOther.Enqueue(context.Request.Headers[MemberSignature.HeaderName].FirstOrDefault());
            return Results.Text("from the other origin");
        }));
        var other = apps.Other.BaseUri;
        apps.Gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/archive/", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                // Escaped as Python's urllib.parse.quote escapes (parentheses, '+', non-ASCII), with a %2F and a query:
                // the app verifies against the decoded path whatever escaping the manifest chose.
                return Results.Text($"- 5 /members/a.txt a.txt\n- 21 /members/away b.txt\n- 21 {other}c.txt c.txt\n"
                    + "- 5 /members/photo%20%281%29.jpg photo (1).jpg\n- 5 /members/%D1%84%D0%BE%D1%82%D0%BE%20%C3%BC.txt фото ü.txt\n"
                    + "- 5 /members/a%2Bb%2Fc.txt a+b.txt\n- 5 /members/q.txt?v=1%202&w=%C3%BC q.txt\n");
            });

            // The app's side, in a few lines: the signature over this request's method, decoded path and query, unexpired.
            app.MapGet("/members/{name}", (HttpContext context, string name) =>
            {
                var request = context.Request;
                var target = MemberSignature.Target(context.Features.Get<IHttpRequestFeature>()!.RawTarget);
                if (!MemberSignature.Verify(Secret, request.Method, target, request.Headers[MemberSignature.HeaderName].FirstOrDefault(), DateTimeOffset.UtcNow))
                {
                    apps.Refused.Enqueue(request.Path);
                    return Results.StatusCode(StatusCodes.Status403Forbidden);
                }

                // A redirect to another origin: the signature must not follow it.
                return name == "away" ? Results.Redirect(other + "c.txt") : Results.Text("hello");
            });
        }, app => new ArchiveResponseOptions { MemberOrigin = app, MemberSecret = Secret, AllowedOrigins = [new Uri(other.GetLeftPart(UriPartial.Authority))] });
        return apps;
    }

    [Fact]
    public async Task Signed_members_make_the_archive_and_the_signature_never_reaches_an_allowed_origin()
    {
        await using var apps = await StartAsync();
        using var client = apps.Gateway.Client();

        using var response = await client.GetAsync(new Uri("archive/", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(body));
        Assert.Equal(["a.txt", "b.txt", "c.txt", "photo (1).jpg", "фото ü.txt", "a+b.txt", "q.txt"], zip.Entries.Select(e => e.FullName));
        foreach (var name in new[] { "a.txt", "photo (1).jpg", "фото ü.txt", "a+b.txt", "q.txt" })
        {
            Assert.Equal("hello", await new StreamReader(zip.GetEntry(name)!.Open()).ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        Assert.Empty(apps.Refused);

        // Two requests at the other origin (the redirected member and the absolute one), neither signed.
        Assert.Equal(2, apps.SignaturesAtOther.Count);
        Assert.All(apps.SignaturesAtOther, Assert.Null);
    }

    [Fact]
    public async Task A_client_cannot_fetch_a_member_through_the_gateway_even_with_a_signature_of_its_own()
    {
        await using var apps = await StartAsync();
        using var client = apps.Gateway.Client();
        var expires = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds();

        using var plain = await client.GetAsync(new Uri("members/a.txt", UriKind.Relative), TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("members/a.txt", UriKind.Relative));
        // Even a valid signature a client got hold of is not passed on: only the gateway signs.
        request.Headers.Add(MemberSignature.HeaderName, MemberSignature.Create(Secret, "GET", "/members/a.txt", expires));
        using var carried = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, carried.StatusCode);
        Assert.Equal(["/members/a.txt", "/members/a.txt"], apps.Refused);
    }

    [Fact]
    public async Task The_app_refuses_a_forged_expired_or_other_path_signature_sent_to_it_directly()
    {
        await using var apps = await StartAsync();
        using var client = new HttpClient { BaseAddress = apps.Gateway.AppUri };
        var now = DateTimeOffset.UtcNow;
        var good = MemberSignature.Create(Secret, "GET", "/members/a.txt", now.AddMinutes(1).ToUnixTimeSeconds());
        var cases = new[]
        {
            MemberSignature.Create(Encoding.ASCII.GetBytes(new string('x', 32)), "GET", "/members/a.txt", now.AddMinutes(1).ToUnixTimeSeconds()), // another secret
            MemberSignature.Create(Secret, "GET", "/members/a.txt", now.AddMinutes(-1).ToUnixTimeSeconds()), // expired
            MemberSignature.Create(Secret, "GET", "/members/b.txt", now.AddMinutes(1).ToUnixTimeSeconds()), // another path
            MemberSignature.Create(Secret, "GET", "/members/a.txt", now.AddDays(1).ToUnixTimeSeconds()), // too far ahead
            good[..^1] + (good[^1] == '0' ? '1' : '0'), // one digit changed
            "t=" + now.AddMinutes(1).ToUnixTimeSeconds(), // no sig
        };

        foreach (var signature in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("members/a.txt", UriKind.Relative));
            request.Headers.TryAddWithoutValidation(MemberSignature.HeaderName, signature);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, signature);
        }

        using var signed = new HttpRequestMessage(HttpMethod.Get, new Uri("members/a.txt", UriKind.Relative));
        signed.Headers.TryAddWithoutValidation(MemberSignature.HeaderName, good);
        using var accepted = await client.SendAsync(signed, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public void A_signer_whose_clock_is_up_to_a_minute_ahead_or_four_behind_makes_signatures_the_app_accepts()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        bool Accepted(TimeSpan signerAhead) => MemberSignature.Verify(Secret, "GET", "/m/a.txt",
            MemberSignature.Create(Secret, "GET", "/m/a.txt", MemberSignature.Expires(now + signerAhead)), now);

        Assert.True(Accepted(TimeSpan.Zero));
        Assert.True(Accepted(TimeSpan.FromSeconds(1)));
        Assert.True(Accepted(MemberSignature.ClockSkew));
        Assert.True(Accepted(-TimeSpan.FromMinutes(4)));
        Assert.False(Accepted(MemberSignature.ClockSkew + TimeSpan.FromSeconds(1)));
        Assert.False(Accepted(-TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData("/members/a.txt", "/members/a.txt")]
    [InlineData("/members/photo%20%281%29.jpg", "/members/photo (1).jpg")]
    [InlineData("/members/photo%20(1).jpg", "/members/photo (1).jpg")]
    [InlineData("/members/%D1%84%D0%BE%D1%82%D0%BE.txt", "/members/фото.txt")]
    [InlineData("/members/a%2Bb%2Fc.txt", "/members/a+b/c.txt")]
    [InlineData("/members/q.txt?v=1%202&w=+", "/members/q.txt?v=1%202&w=+")]
    [InlineData("/members/q.txt?", "/members/q.txt")]
    public void What_is_signed_is_the_decoded_path_and_the_query_as_sent(string requestTarget, string target) =>
        Assert.Equal(target, MemberSignature.Target(requestTarget));

    [Fact]
    public void A_secret_shorter_than_32_bytes_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentException>(() => new ArchiveResponseOptions { MemberSecret = new byte[31] });
        Assert.Contains("MemberSecret: 31 bytes", error.Message, StringComparison.Ordinal);
    }
}
