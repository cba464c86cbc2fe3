namespace Formats.Http;

/// <summary>URL sources: <c>EntrySource.FromUrl</c>, with <c>using Formats.Http;</c>.</summary>
public static class UrlSources
{
    extension(EntrySource)
    {
        /// <summary>
        /// A URL fetched with <paramref name="client"/> when the entry's turn comes (with a Range request when started at an
        /// offset). The response's length is checked against <paramref name="length"/>; non-success statuses, timeouts and
        /// short bodies fail the archive with the entry and the URL named. <paramref name="responseTimeout"/> bounds the wait
        /// for response headers (default 30 s), <paramref name="idleTimeout"/> any wait for more body data (default 30 s);
        /// the other limits are <see cref="HttpSourceOptions.Default"/>'s.
        /// </summary>
        public static EntrySource FromUrl(HttpClient client, Uri url, long? length = null, TimeSpan? responseTimeout = null, TimeSpan? idleTimeout = null) =>
            FromUrl(client, url, length, HttpSourceOptions.Default with
            {
                ResponseTimeout = responseTimeout ?? HttpSourceOptions.Default.ResponseTimeout,
                IdleTimeout = idleTimeout ?? HttpSourceOptions.Default.IdleTimeout,
            });

        /// <summary>
        /// A URL fetched with <paramref name="client"/> when the entry's turn comes, within <paramref name="options"/>' limits:
        /// response and idle timeouts, a minimum transfer rate, redirects followed (when the client's handler does not) only
        /// to allowed URLs. A 206 answer must start at the offset asked for and, when <paramref name="length"/> is known,
        /// end at it. Requests carry <c>User-Agent: formats/VERSION</c> unless the client sets one. Errors name the URL
        /// without its user information (a password in a URL never appears in a message).
        /// </summary>
        public static EntrySource FromUrl(HttpClient client, Uri url, long? length, HttpSourceOptions options)
        {
            ArgumentNullException.ThrowIfNull(client);
            ArgumentNullException.ThrowIfNull(url);
            ArgumentNullException.ThrowIfNull(options);
            ArgumentOutOfRangeException.ThrowIfNegative(length ?? 0, nameof(length));
            if (HttpEntrySource.Refusal(url, options) is { } problem)
            {
                throw new ArgumentException($"{HttpEntrySource.Redact(url)} {problem}", nameof(url));
            }

            if (length > options.MaxMemberBytes)
            {
                throw new ArgumentException($"{HttpEntrySource.Redact(url)} is declared {length} bytes, more than the most a member may have ({options.MaxMemberBytes} bytes, MaxMemberBytes)", nameof(length));
            }

            return new HttpEntrySource(client, url, length, options);
        }
    }
}
