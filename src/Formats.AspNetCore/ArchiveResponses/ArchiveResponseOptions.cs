using Formats.Http;
using Formats.Tar;
using Formats.Zip;

namespace Formats.AspNetCore;

/// <summary>
/// How <c>UseArchiveResponses</c> turns <c>X-Archive-Files</c> responses into archives, and its limits: set them in
/// <c>services.AddArchiveResponses(options =&gt; ...)</c>. The host refuses to start with a value out of its bounds
/// (<see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming the option and the bound).
/// </summary>
public sealed class ArchiveResponseOptions
{
    /// <summary>
    /// Where locations that are paths ("/files/a.txt") are fetched from, with the user's <c>Cookie</c> and
    /// <c>Authorization</c> (null: this server, at the local address and port the request came in on, with its scheme
    /// and path base; never the client's Host header). Set it behind TLS with a certificate for a name, and in a
    /// gateway (which sets its upstream).
    /// </summary>
    public Uri? MemberOrigin { get; set; }

    /// <summary>
    /// Origins (scheme://host[:port]) that absolute member URLs may name, and redirects may lead to; they never get
    /// the user's credentials. Default: none, so only paths on <see cref="MemberOrigin"/> are fetched.
    /// </summary>
    public IReadOnlyList<Uri> AllowedOrigins { get; set; } = [];

    /// <summary>The most bytes a manifest may have (default 16 MiB): a larger one gives 502.</summary>
    public long MaxManifestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most entries a manifest may have (default 100,000): more gives 502.</summary>
    public int MaxMembers { get; set; } = 100_000;

    /// <summary>The most archives made at once (default 256): one more gets 503 with <c>Retry-After</c>.</summary>
    public int MaxConcurrentArchives { get; set; } = 256;

    /// <summary>
    /// The most manifest bytes answered at once (default 64 MiB): an archive whose manifest would take the sum of those
    /// being answered past it gets 503 with <c>Retry-After</c>, as one past <see cref="MaxConcurrentArchives"/> does;
    /// one alone is always let in. Each member costs its manifest line and some 300 bytes more while its archive is
    /// made, so this bounds memory where a count of archives cannot.
    /// </summary>
    public long MaxManifestBytesInFlight { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Timeouts and the minimum rate of member fetches. Its <see cref="HttpSourceOptions.AllowUrl"/> and
    /// <see cref="HttpSourceOptions.RequestHeaders"/> are not used: the origins and credentials above decide.
    /// </summary>
    public HttpSourceOptions Http { get; set; } = HttpSourceOptions.Default;

    /// <summary>
    /// The client members are fetched with; it must not follow redirects itself nor keep cookies (null: the app's
    /// <see cref="ArchiveMemberClient.Name"/> client from <c>IHttpClientFactory</c>, which
    /// <see cref="ArchiveResponses.AddArchiveResponses"/> registers made that way).
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>
    /// Zip options (default: stored members, so a zip can be sized and ranged, with CRC-32s remembered in
    /// <see cref="ArchiveResult.SharedCrcStore"/>).
    /// </summary>
    public ZipWriterOptions ZipOptions { get; set; } = new() { Method = ZipCompressionMethod.Stored, CrcStore = ArchiveResult.SharedCrcStore };

    /// <summary>Tar options: the compression level of tar.gz and tar.zst, and the name policy.</summary>
    public TarWriterOptions TarOptions { get; set; } = TarWriterOptions.Default;

    /// <summary>
    /// The least a client must take per second of waiting for it (default 2 KiB/s; 0: no minimum), measured over each
    /// <see cref="ClientRateWindow"/>: a slower client's connection is aborted, freeing its place among
    /// <see cref="MaxConcurrentArchives"/> and its member requests (see <see cref="ArchiveResult.MinimumClientBytesPerSecond"/>).
    /// </summary>
    public long MinimumClientBytesPerSecond { get; set; } = ArchiveResult.DefaultMinimumClientBytesPerSecond;

    /// <summary>The window of <see cref="MinimumClientBytesPerSecond"/> (default 60 s).</summary>
    public TimeSpan ClientRateWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A secret shared with the app (empty: none; else at least <see cref="MemberSignature.MinimumSecretBytes"/> bytes):
    /// every member request to <see cref="MemberOrigin"/> (never to <see cref="AllowedOrigins"/>, nor across a redirect
    /// to another origin) carries <see cref="MemberSignature.HeaderName"/>, which the app checks to serve members to
    /// this server only, as nginx's <c>internal</c> locations do for mod_zip. See docs/gateway.md.
    /// </summary>
    public ReadOnlyMemory<byte> MemberSecret
    {
        get;
        set
        {
            if (!value.IsEmpty)
            {
                MemberSignature.CheckSecret(value.Span, nameof(MemberSecret));
            }

            field = value;
        }
    }

    /// <summary>How many members ahead are fetched while one streams (default 4).</summary>
    public int ReadAheadDepth { get; set; } = 4;

    /// <summary>The read-ahead buffer of each member (default 256 KiB).</summary>
    public int ReadAheadBufferBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// The upstream connections and bytes read-ahead may hold at once across every archive (default
    /// <see cref="Http.ReadAheadBudget.Shared"/>: 64 connections and 16 MiB for the whole process); past it, members
    /// are fetched when their turn comes.
    /// </summary>
    public ReadAheadBudget ReadAheadBudget { get; set; } = ReadAheadBudget.Shared;
}
