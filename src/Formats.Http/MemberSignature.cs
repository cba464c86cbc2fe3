using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Formats.Http;

/// <summary>
/// The signature a gateway puts on its member requests, so that an app can serve members to the gateway only (what
/// nginx's <c>internal</c> locations do for mod_zip): <c>X-Archive-Signature: t=EXPIRES,sig=HEX</c>, where EXPIRES is
/// a Unix time in seconds and HEX the lowercase HMAC-SHA256, keyed with the shared secret, of
/// <c>METHOD "\n" TARGET "\n" EXPIRES</c>, TARGET being the request's path percent-decoded (UTF-8), then <c>?</c> and
/// the query as sent when there is one (<see cref="Target"/>): the form every framework hands an app, whatever escaping
/// the manifest chose. A leaked header is good for one path and a few minutes; the secret itself never goes on the wire.
/// </summary>
public static class MemberSignature
{
    /// <summary>The request header that carries the signature.</summary>
    public const string HeaderName = "X-Archive-Signature";

    /// <summary>The fewest bytes a secret may have: 32, the HMAC-SHA256 key size below which a key is weaker than its hash.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>The furthest ahead of now an expiry may be for <see cref="Verify"/> to accept it: 5 minutes.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far the signer's clock may run ahead of the verifier's: 1 minute. A signer gives <see cref="Lifetime"/> less
    /// this (<see cref="Expires"/>), so a verifier up to a minute behind still sees the expiry within its
    /// <see cref="Lifetime"/>, and one up to 4 minutes ahead still sees it unexpired.
    /// </summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromMinutes(1);

    /// <summary>The expiry (Unix seconds) a signer made at <paramref name="now"/> gives: <see cref="Lifetime"/> less <see cref="ClockSkew"/> ahead.</summary>
    public static long Expires(DateTimeOffset now) => now.Add(Lifetime - ClockSkew).ToUnixTimeSeconds();

    /// <summary>
    /// What is signed of a request target (<c>/path?query</c> as on the request line): the path percent-decoded, then
    /// <c>?</c> and the query as it is when there is one. An app gets it from its framework's decoded path and raw
    /// query string; in ASP.NET Core, <c>Target(context.Features.Get&lt;IHttpRequestFeature&gt;()!.RawTarget)</c>
    /// (<c>Request.Path</c> keeps <c>%2F</c> encoded).
    /// </summary>
    public static string Target(string requestTarget)
    {
        ArgumentNullException.ThrowIfNull(requestTarget);
        var question = requestTarget.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(question < 0 ? requestTarget : requestTarget[..question]);
        return question < 0 || question == requestTarget.Length - 1 ? path : path + requestTarget[question..];
    }

    /// <summary>The header's value for a request of <paramref name="method"/> to <paramref name="pathAndQuery"/> (its <see cref="Target"/>), good until <paramref name="expires"/> (Unix seconds).</summary>
    public static string Create(ReadOnlySpan<byte> secret, string method, string pathAndQuery, long expires)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        CheckSecret(secret, nameof(secret));
        return string.Create(CultureInfo.InvariantCulture, $"t={expires},sig={Hex(secret, method, pathAndQuery, expires)}");
    }

    /// <summary>
    /// True when <paramref name="header"/> is a signature of <paramref name="method"/> and <paramref name="pathAndQuery"/>
    /// (the request's <see cref="Target"/>) with <paramref name="secret"/> that has not expired at <paramref name="now"/>,
    /// nor expires more than <see cref="Lifetime"/> after it; compared in constant time.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> secret, string method, string pathAndQuery, string? header, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        CheckSecret(secret, nameof(secret));
        var comma = header?.IndexOf(",sig=", StringComparison.Ordinal) ?? -1;
        if (header is null || !header.StartsWith("t=", StringComparison.Ordinal) || comma < 0
            || !long.TryParse(header.AsSpan(2, comma - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return false;
        }

        var seconds = now.ToUnixTimeSeconds();
        if (expires < seconds || expires > seconds + (long)Lifetime.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Hex(secret, method, pathAndQuery, expires));
        var given = Encoding.ASCII.GetBytes(header[(comma + ",sig=".Length)..]);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>Refuses a secret shorter than <see cref="MinimumSecretBytes"/>, naming <paramref name="name"/>.</summary>
    internal static void CheckSecret(ReadOnlySpan<byte> secret, string name)
    {
        if (secret.Length < MinimumSecretBytes)
        {
            throw new ArgumentException($"{name}: {secret.Length} bytes; a member secret needs at least {MinimumSecretBytes}", name);
        }
    }

    private static string Hex(ReadOnlySpan<byte> secret, string method, string pathAndQuery, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{method}\n{pathAndQuery}\n{expires}"))));
}
