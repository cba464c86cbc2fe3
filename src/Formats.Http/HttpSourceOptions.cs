using System.Diagnostics.Metrics;

namespace Formats.Http;

/// <summary>
/// Limits of an <c>EntrySource.FromUrl</c> source: how long it waits,
/// how slow the upstream may be, and which URLs it may be sent to. A record: copy it with a field changed with
/// <c>with</c>, which keeps every other field.
/// </summary>
public sealed record HttpSourceOptions
{
    /// <summary>The defaults listed on each property.</summary>
    public static HttpSourceOptions Default { get; } = new();

    /// <summary>The longest wait for response headers, per request (default 30 s).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait for more body data (default 30 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The slowest upstream accepted, in bytes per second of time spent waiting for it (default 1024; 0: no minimum).
    /// Measured over each <see cref="RateWindow"/> of waiting, the first of which is the grace period; time the archive's
    /// consumer takes to read does not count.
    /// </summary>
    public long MinimumBytesPerSecond
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1024;

    /// <summary>The window over which <see cref="MinimumBytesPerSecond"/> is measured (default 30 s).</summary>
    public TimeSpan RateWindow
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most bytes one member may have (default 64 GiB): a declared length above it is refused when the source is
    /// made (a manifest line fails before the first byte), and a body that grows past it (a length the manifest leaves
    /// out, from an upstream without end) fails the archive while it streams, naming the URL and the limit.
    /// </summary>
    public long MaxMemberBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = DefaultMaxMemberBytes;

    /// <summary>The default of <see cref="MaxMemberBytes"/>: 64 GiB.</summary>
    internal const long DefaultMaxMemberBytes = 64L << 30;

    /// <summary>
    /// Redirects followed by the source itself (default 5), each checked with <see cref="AllowUrl"/>. They are seen only
    /// when the <see cref="HttpClient"/>'s handler does not follow them (<c>AllowAutoRedirect = false</c>); a handler
    /// that does is checked on its final URL only, after the fact.
    /// </summary>
    public int MaxRedirects
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 5;

    /// <summary>Which URLs may be fetched: the first and every redirect's target (null: any http or https URL).</summary>
    public Func<Uri, bool>? AllowUrl { get; init; }

    /// <summary>
    /// Headers added to every request to the URL's own origin (scheme, host and port), such as the <c>Cookie</c> and
    /// <c>Authorization</c> of the user an archive is made for; never sent after a redirect to another origin.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; } = [];

    /// <summary>
    /// A secret shared with the upstream (empty: none; else at least <see cref="MemberSignature.MinimumSecretBytes"/>
    /// bytes): every request to the URL's own origin (the rule of <see cref="RequestHeaders"/>) carries
    /// <see cref="MemberSignature.HeaderName"/> over its method and <see cref="MemberSignature.Target"/> (decoded path,
    /// query as sent), expiring at <see cref="MemberSignature.Expires"/>, so that the upstream can serve it to this
    /// client only.
    /// </summary>
    public ReadOnlyMemory<byte> SigningSecret
    {
        get;
        init
        {
            if (!value.IsEmpty)
            {
                MemberSignature.CheckSecret(value.Span, nameof(SigningSecret));
            }

            field = value;
        }
    }

    /// <summary>
    /// How many times a member's body is requested again after its connection fails (default 3; 0: never): with
    /// <c>Range: bytes=N-</c> from the byte reached and <c>If-Range</c>, only when the first response had a strong ETag
    /// or a Last-Modified and <c>Accept-Ranges: bytes</c>. A 200 to it means the content changed, and fails the member.
    /// </summary>
    public int MaxResumes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 3;

    /// <summary>
    /// How long a member read ahead keeps its connection once its buffer is full (default 5 s), before letting go of it
    /// when its server can resume it (a validator and <c>Accept-Ranges: bytes</c>) and asking for the rest with
    /// <c>Range</c> and <c>If-Range</c> when its turn comes. Short enough that no upstream's idle timeout (nginx's
    /// <c>send_timeout</c> is 60 s) closes it first, long enough that a download whose next member's turn comes soon
    /// does not ask for it twice. <see cref="TimeSpan.Zero"/>: at once.
    /// </summary>
    public TimeSpan ParkedConnectionLimit
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The factory of the meter <c>Formats.Http</c> (member fetch durations and errors): an app's own, from its
    /// services, so that its metrics are its own (null, the default: a meter of the process). The archive responses
    /// middleware and <c>formats serve</c> give their app's.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>
    /// These options with the access given (which URLs, which headers, which signing secret) and every other field
    /// kept (a <c>with</c> copy, so a field added here is never dropped).
    /// </summary>
    internal HttpSourceOptions WithAccess(Func<Uri, bool>? allowUrl, IReadOnlyList<KeyValuePair<string, string>> requestHeaders, ReadOnlyMemory<byte> signingSecret) =>
        this with { AllowUrl = allowUrl, RequestHeaders = requestHeaders, SigningSecret = signingSecret };
}
