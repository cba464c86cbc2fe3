using Formats.Http;
using Formats.Tar;
using Formats.Zip;

namespace Formats.AspNetCore;

/// <summary>How <c>UseArchiveResponses</c> turns <c>X-Archive-Files</c> responses into archives, and its limits.</summary>
public sealed class ArchiveResponseOptions
{
    /// <summary>
    /// Where locations that are paths ("/files/a.txt") are fetched from, with the user's <c>Cookie</c> and
    /// <c>Authorization</c> (null: this server, at the local address and port the request came in on, with its scheme
    /// and path base; never the client's Host header). Set it behind TLS with a certificate for a name, and in a
    /// gateway (which sets its upstream).
    /// </summary>
    public Uri? MemberOrigin { get; init; }

    /// <summary>
    /// Origins (scheme://host[:port]) that absolute member URLs may name, and redirects may lead to; they never get
    /// the user's credentials. Default: none, so only paths on <see cref="MemberOrigin"/> are fetched.
    /// </summary>
    public IReadOnlyList<Uri> AllowedOrigins { get; init; } = [];

    /// <summary>The most bytes a manifest may have (default 16 MiB): a larger one gives 502.</summary>
    public long MaxManifestBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 16 * 1024 * 1024;

    /// <summary>The most entries a manifest may have (default 100,000): more gives 502.</summary>
    public int MaxMembers
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 100_000;

    /// <summary>The most archives made at once (default 256): one more gets 503 with <c>Retry-After</c>.</summary>
    public int MaxConcurrentArchives
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 256;

    /// <summary>
    /// Timeouts and the minimum rate of member fetches. Its <see cref="HttpSourceOptions.AllowUrl"/> and
    /// <see cref="HttpSourceOptions.RequestHeaders"/> are not used: the origins and credentials above decide.
    /// </summary>
    public HttpSourceOptions Http { get; init; } = HttpSourceOptions.Default;

    /// <summary>
    /// The client members are fetched with; it must not follow redirects itself nor keep cookies (null: one shared
    /// client made that way).
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Zip options (default: stored members, so a zip can be sized and ranged, with CRC-32s remembered in
    /// <see cref="ArchiveResult.SharedCrcStore"/>).
    /// </summary>
    public ZipWriterOptions ZipOptions { get; init; } = new() { Method = ZipCompressionMethod.Stored, CrcStore = ArchiveResult.SharedCrcStore };

    /// <summary>Tar options: the compression level of tar.gz and tar.zst, and the name policy.</summary>
    public TarWriterOptions TarOptions { get; init; } = TarWriterOptions.Default;

    /// <summary>How many members ahead are fetched while one streams (default 4).</summary>
    public int ReadAheadDepth { get; init; } = 4;

    /// <summary>The read-ahead buffer of each member (default 256 KiB).</summary>
    public int ReadAheadBufferBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// The upstream connections and bytes read-ahead may hold at once across every archive (default
    /// <see cref="Http.ReadAheadBudget.Shared"/>: 64 connections and 16 MiB for the whole process); past it, members
    /// are fetched when their turn comes.
    /// </summary>
    public ReadAheadBudget ReadAheadBudget { get; init; } = ReadAheadBudget.Shared;
}
