using Formats.Http;

namespace Formats.Cli;

/// <summary>The limits of <c>formats serve</c>: which origins a manifest may fetch from, and how large a manifest may be.</summary>
internal sealed record ServeOptions
{
    /// <summary>The http(s) origins (scheme, host, port) that manifest URLs and their redirects may name; none by default.</summary>
    public IReadOnlyList<Uri> AllowedOrigins { get; init; } = [];

    /// <summary>Host names requests may name besides the loopback names and the hosts of the listening URLs (<c>--allowed-host</c>).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The most entries a manifest may have.</summary>
    public int MaxMembers { get; init; } = 100_000;

    /// <summary>The most bytes a manifest may have.</summary>
    public long MaxManifestBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Where CRC-32s are remembered for resumes (null: the process's shared memory store).</summary>
    public ICrcStore? CrcStore { get; init; }

    /// <summary>The upstream limits of manifest URLs (timeouts, minimum rate, redirects); <see cref="AllowedOrigins"/> is added.</summary>
    public HttpSourceOptions Http { get; init; } = HttpSourceOptions.Default;

    /// <summary>True when <paramref name="url"/> is in one of <see cref="AllowedOrigins"/>.</summary>
    public bool Allows(Uri url) => AllowedOrigins.Any(origin => HttpEntrySource.SameOrigin(origin, url));

    /// <summary>Parses an <c>--allow-origin</c> value: an http(s) URL with no path, query or user information.</summary>
    public static Uri ParseOrigin(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var origin) || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)
            || origin.UserInfo.Length > 0 || origin.AbsolutePath != "/" || origin.Query.Length > 0 || origin.Fragment.Length > 0)
        {
            throw new UsageException($"--allow-origin: '{text}' is not an origin such as https://files.example.com or http://127.0.0.1:8080");
        }

        return origin;
    }
}
