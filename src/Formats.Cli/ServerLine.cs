using System.CommandLine;
using Formats.Http;

namespace Formats.Cli;

/// <summary>
/// The options <c>formats serve</c> and <c>formats gateway</c> share, declared once: where to listen, the origins a
/// manifest may name, a manifest's limits, the upstream's and the client's minimum rates, the read-ahead budget and
/// the CRC store. What differs between the two comes in as text, the defaults from each one's options type.
/// </summary>
internal sealed class ServerLine(ServerLine.Words words, int maxMembers, long maxManifestBytes, long clientMinRate, TimeSpan clientRateWindow)
{
    /// <summary>The phrases in which serve's and gateway's help differ.</summary>
    /// <param name="Origins">what --allow-origin's origins are for</param>
    /// <param name="Members">what a manifest is (serve's also limits a pick of files)</param>
    /// <param name="TooLarge">what a manifest over a limit gets</param>
    /// <param name="Upstream">what is too slow under --min-rate and what that fails</param>
    /// <param name="MemberBytes">what --max-member-bytes limits, and what happens past it</param>
    /// <param name="SlowClient">what happens to a client under --client-min-rate</param>
    internal sealed record Words(string Origins, string Members, string TooLarge, string Upstream, string MemberBytes, string SlowClient);

    public Option<string> Urls { get; } = CliOptions.Value("--urls", "URL",
        "where to listen: one or more http(s) URLs separated by ';'",
        (string text, out string urls) => CliOptions.TryUrls(text, out urls),
        "a URL such as http://127.0.0.1:5000 (several separated by ';')", "http://127.0.0.1:5000", "http://127.0.0.1:5000, which only this machine can reach");

    public Option<Uri[]> AllowOrigin { get; } = CliOptions.Repeated("--allow-origin", "URL", words.Origins, ServeOptions.ParseOrigin);

    public Option<long> MaxMembers { get; } = CliOptions.Number("--max-members", "N", 0, int.MaxValue, maxMembers, $"the most entries {words.Members} may have{words.TooLarge}");

    public Option<long> MaxManifestBytes { get; } = CliOptions.Number("--max-manifest-bytes", "N", 0, long.MaxValue, maxManifestBytes, $"the most bytes a manifest may have{words.TooLarge}");

    public Option<long> MinRate { get; } = CliOptions.Number("--min-rate", "N", 0, long.MaxValue, HttpSourceOptions.Default.MinimumBytesPerSecond,
        $"{words.Upstream}; 0: no minimum");

    public Option<long> RateWindow { get; } = CliOptions.Number("--rate-window", "SECONDS", 1, 86_400, (long)HttpSourceOptions.Default.RateWindow.TotalSeconds,
        "the window of --min-rate, also its grace period");

    public Option<long> MaxMemberBytes { get; } = CliOptions.Number("--max-member-bytes", "N", 0, long.MaxValue, HttpSourceOptions.Default.MaxMemberBytes, words.MemberBytes);

    public Option<long?> ReadAheadConnections { get; } = CliOptions.OptionalNumber("--read-ahead-connections", "N", 0, int.MaxValue,
        $"the most member requests open ahead of their turn, across all downloads; 0: members are fetched only when their turn comes (default {ReadAheadBudget.DefaultMaxConnections})");

    public Option<long?> ReadAheadBytes { get; } = CliOptions.OptionalNumber("--read-ahead-bytes", "N", 0, long.MaxValue,
        $"the most bytes buffered ahead of their turn, across all downloads (default {ReadAheadBudget.DefaultMaxBufferedBytes})");

    public Option<long> ClientMinRate { get; } = CliOptions.Number("--client-min-rate", "N", 0, long.MaxValue, clientMinRate,
        $"a client that takes fewer than N bytes/s while the archive waits for it, over a window, {words.SlowClient}; 0: no minimum");

    public Option<long> ClientRateWindow { get; } = CliOptions.Number("--client-rate-window", "SECONDS", 1, 86_400, (long)clientRateWindow.TotalSeconds,
        "the window of --client-min-rate");

    public Option<string> CrcStore { get; } = CliOptions.Path("--crc-store", "STORE",
        "where CRC-32s are remembered, so a resume reads no member before it: a SQLite file PATH (default: formats-crc.db in the user's data folder, kept across restarts), redis://HOST:PORT (shared by every gateway or serve using it), or memory");

    /// <summary>The read-ahead options, which the help shows together.</summary>
    public IEnumerable<Option> ReadAhead => [ReadAheadConnections, ReadAheadBytes];

    /// <summary>The client's minimum rate and the CRC store, which end both helps' lists.</summary>
    public IEnumerable<Option> ClientAndStore => [ClientMinRate, ClientRateWindow, CrcStore];

    /// <summary>The budget the command line asks for; the process's shared one when it asks for nothing.</summary>
    public ReadAheadBudget Budget(ParseResult line)
    {
        var connections = line.GetValue(ReadAheadConnections);
        var bytes = line.GetValue(ReadAheadBytes);
        return connections is null && bytes is null
            ? ReadAheadBudget.Shared
            : new ReadAheadBudget((int)(connections ?? ReadAheadBudget.DefaultMaxConnections), bytes ?? ReadAheadBudget.DefaultMaxBufferedBytes);
    }

    /// <summary>The window of --client-min-rate.</summary>
    public TimeSpan ClientWindow(ParseResult line) => TimeSpan.FromSeconds(line.GetValue(ClientRateWindow));

    /// <summary>The upstream options the command line gives, <paramref name="timeout"/> (gateway's --member-timeout) and <paramref name="resumes"/> added.</summary>
    public HttpSourceOptions Http(ParseResult line, TimeSpan? timeout = null, int? resumes = null) => new()
    {
        ResponseTimeout = timeout ?? HttpSourceOptions.Default.ResponseTimeout,
        IdleTimeout = timeout ?? HttpSourceOptions.Default.IdleTimeout,
        MinimumBytesPerSecond = line.GetValue(MinRate),
        RateWindow = TimeSpan.FromSeconds(line.GetValue(RateWindow)),
        MaxMemberBytes = line.GetValue(MaxMemberBytes),
        MaxResumes = resumes ?? HttpSourceOptions.Default.MaxResumes,
    };
}
