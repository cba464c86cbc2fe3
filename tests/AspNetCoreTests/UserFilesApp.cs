using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// An app (real Kestrel on 127.0.0.1) answering <c>/archive</c> with a zip manifest of members that declare no CRC-32,
/// and serving each member <c>/m/{i}</c> with content that depends on the user's <c>user</c> cookie: same size and the
/// same Last-Modified for every user (so the member has an identity, also to HEAD), different bytes. Ranges <c>bytes=N-</c> honoured.
/// </summary>
public sealed class UserFilesApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Modified = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly Server _server;

    private UserFilesApp(Server server, int members, int memberSize)
    {
        _server = server;
        Members = members;
        MemberSize = memberSize;
    }

    public Uri BaseUri => _server.BaseUri;

    public int Members { get; }

    public int MemberSize { get; }

    /// <summary>Member <paramref name="member"/>'s byte at <paramref name="at"/> as <paramref name="user"/> gets it.</summary>
    public static byte ByteAt(string user, int member, long at) =>
        (byte)((at * 131) + (member * 17) + (user.Length == 0 ? 0 : user[0] * 29));

    /// <summary>
    /// Starts the app; <paramref name="line"/> gives manifest line i for the app's base URI (default: the member's path,
    /// fetched by a gateway with the user's cookie).
    /// </summary>
    public static async Task<UserFilesApp> StartAsync(int members, int memberSize, Func<Uri, int, string>? line = null)
    {
        line ??= (_, i) => $"- {memberSize} /m/{i} m{i}.bin";
        UserFilesApp? self = null;
        var server = await Server.StartAsync(app =>
        {
            app.MapGet("/archive", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                return Results.Text(string.Concat(Enumerable.Range(0, members).Select(i => line(self!.BaseUri, i) + "\n")));
            });
            app.MapMethods("/m/{i:int}", ["GET", "HEAD"], async (HttpContext context, int i) =>
            {
                var user = context.Request.Cookies["user"] ?? "";
                var start = 0L;
                if (context.Request.Headers.Range.ToString() is { Length: > 0 } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
                {
                    start = long.Parse(range[6..^1], CultureInfo.InvariantCulture);
                    context.Response.StatusCode = StatusCodes.Status206PartialContent;
                    context.Response.Headers.ContentRange = $"bytes {start}-{memberSize - 1}/{memberSize}";
                }

                context.Response.Headers.LastModified = Modified.ToString("R", CultureInfo.InvariantCulture);
                context.Response.Headers.AcceptRanges = "bytes";
                context.Response.ContentLength = memberSize - start;
                if (HttpMethods.IsHead(context.Request.Method))
                {
                    return;
                }

                var body = new byte[memberSize - start];
                for (var at = 0; at < body.Length; at++)
                {
                    body[at] = ByteAt(user, i, start + at);
                }

                await context.Response.Body.WriteAsync(body, context.RequestAborted);
            });
        });
        self = new UserFilesApp(server, members, memberSize);
        return self;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
