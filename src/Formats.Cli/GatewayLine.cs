using System.CommandLine;
using Formats.AspNetCore;
using Formats.Http;
using Formats.Zip;

namespace Formats.Cli;

/// <summary>The command line of <c>formats gateway</c>: one declaration per option, the ones it shares with serve in <see cref="ServerLine"/>.</summary>
internal sealed class GatewayLine
{
    private static readonly ArchiveResponseOptions Defaults = new();

    public ServerLine Server { get; } = new(
        new(Origins: "an http(s) origin that absolute member URLs and redirects may name; repeatable",
            Members: "a manifest",
            TooLarge: "; more gives 502",
            Upstream: "a member slower than N bytes/s over a window fails the archive",
            MemberBytes: "the most bytes one member may have: a larger declared size gives 502 naming the line; a body that grows past it (no size in the manifest) aborts the download",
            SlowClient: "is disconnected and frees its place"),
        Defaults.MaxMembers, Defaults.MaxManifestBytes, Defaults.MinimumClientBytesPerSecond, Defaults.ClientRateWindow);

    public Option<Uri?> Upstream { get; } = CliOptions.Value<Uri?>("--upstream", "URL", "the app, such as http://127.0.0.1:8000 (required)", TryUpstream,
        "an http(s) URL such as http://127.0.0.1:8000");

    public Option<string> Prefix { get; } = CliOptions.Value("--prefix", "PATH",
        "where the gateway's own endpoints live: PATH/healthz and PATH/metrics (Prometheus text); nothing under it is forwarded (404)",
        (string text, out string prefix) =>
        {
            prefix = text;
            return text.StartsWith('/') && text.Length >= 2 && !text.EndsWith('/') && !text.Any(char.IsControl) && !text.Contains('?', StringComparison.Ordinal);
        },
        "a path such as /_formats", "/_formats", "/_formats");

    public Option<long> MaxArchives { get; } = CliOptions.Number("--max-archives", "N", 1, int.MaxValue, Defaults.MaxConcurrentArchives,
        "the most archives made at once; one more gets 503");

    public Option<long> MemberTimeout { get; } = CliOptions.Number("--member-timeout", "SECONDS", 1, 86_400, (long)HttpSourceOptions.Default.ResponseTimeout.TotalSeconds,
        "the longest wait for a member's response headers and for more of its body; after the first byte a late member aborts the download");

    public Option<long> MaxManifestBytesInFlight { get; } = CliOptions.Number("--max-manifest-bytes-in-flight", "N", 0, long.MaxValue, Defaults.MaxManifestBytesInFlight,
        "the most manifest bytes answered at once; an archive past it gets 503, one alone always gets in");

    public Option<long> ReadAheadDepth { get; } = CliOptions.Number("--read-ahead-depth", "N", 0, 1024, Defaults.ReadAheadDepth,
        "how many members of one download are requested ahead of the one streaming; 0: none");

    public Option<long> ReadAheadBuffer { get; } = CliOptions.Number("--read-ahead-buffer", "N", 4096, 1L << 30, Defaults.ReadAheadBufferBytes,
        "the bytes buffered ahead for each of them (at least 4096); a member whose buffer stays full 5 s lets go of its connection and is asked for the rest with Range and If-Range on its turn when it had a validator and Accept-Ranges: bytes; without them it waits with its connection open");

    public Option<long> MemberResumes { get; } = CliOptions.Number("--member-resumes", "N", 0, 100, HttpSourceOptions.Default.MaxResumes,
        "how many times a member whose connection fails is requested again from the byte reached, with Range and If-Range, when it had a strong ETag or Last-Modified and Accept-Ranges: bytes; 0: never");

    public Option<string> MemberSecretFile { get; } = CliOptions.Path("--member-secret-file", "FILE",
        "a file holding a secret shared with the app (at least 32 bytes; one trailing newline is not part of it): every member request to --upstream carries X-Archive-Signature made with it, never a request to an --allow-origin origin");

    /// <summary>A secret on the command line itself: refused, never echoed.</summary>
    public Option<string[]> MemberSecret { get; } = CliOptions.Refused("--member-secret",
        "a secret on the command line is visible to every user of the machine; put it in a file and give --member-secret-file FILE");

    /// <summary>The options in the help's order.</summary>
    public IEnumerable<Option> All =>
    [
        Upstream, Server.Urls, Server.AllowOrigin, Prefix, Server.MaxManifestBytes, Server.MaxMembers, MaxArchives, MemberTimeout,
        Server.MinRate, Server.RateWindow, Server.MaxMemberBytes, MaxManifestBytesInFlight, .. Server.ReadAhead, ReadAheadDepth,
        ReadAheadBuffer, MemberResumes, .. Server.ClientAndStore, MemberSecretFile, MemberSecret,
    ];

    /// <summary>The middleware's options as the command line gives them, for <paramref name="upstream"/> with <paramref name="secret"/>.</summary>
    public ArchiveResponseOptions Options(ParseResult line, Uri upstream, ReadOnlyMemory<byte> secret)
    {
        var timeout = TimeSpan.FromSeconds(line.GetValue(MemberTimeout));
        return new ArchiveResponseOptions
        {
            MemberOrigin = upstream,
            MemberSecret = secret,
            AllowedOrigins = line.GetValue(Server.AllowOrigin)!,
            MaxManifestBytes = line.GetValue(Server.MaxManifestBytes),
            MaxMembers = (int)line.GetValue(Server.MaxMembers),
            MaxConcurrentArchives = (int)line.GetValue(MaxArchives),
            MaxManifestBytesInFlight = line.GetValue(MaxManifestBytesInFlight),
            ReadAheadBudget = Server.Budget(line),
            ReadAheadDepth = (int)line.GetValue(ReadAheadDepth),
            ReadAheadBufferBytes = (int)line.GetValue(ReadAheadBuffer),
            ZipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = CrcStores.Open(line.GetValue(Server.CrcStore)) },
            MinimumClientBytesPerSecond = line.GetValue(Server.ClientMinRate),
            ClientRateWindow = Server.ClientWindow(line),
            Http = Server.Http(line, timeout, (int)line.GetValue(MemberResumes)),
        };
    }

    private static bool TryUpstream(string text, out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
        && url.UserInfo.Length == 0 && url.Query.Length == 0 && url.Fragment.Length == 0;
}
