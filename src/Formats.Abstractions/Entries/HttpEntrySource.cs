using System.Net;
using System.Net.Http.Headers;
using Formats.Streaming;

namespace Formats;

/// <summary>
/// Content fetched over HTTP when the entry's turn comes: a GET (with <c>Range: bytes=OFFSET-</c> when started at an
/// offset), checked against the declared length. Errors name the URL; the sink adds the entry. Use an
/// <see cref="HttpClient"/> from <c>IHttpClientFactory</c> in servers.
/// </summary>
internal sealed class HttpEntrySource(HttpClient client, Uri url, long? length, TimeSpan responseTimeout, TimeSpan idleTimeout) : EntrySource
{
    public override long? Length => length;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        HttpResponseMessage response;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(responseTimeout);
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"GET {url}: no response within {responseTimeout.TotalSeconds:0.###} s");
            }
        }

        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {url}: {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            // A server that ignores Range sends the whole body from 0: skip to the offset ourselves.
            var skip = offset > 0 && response.StatusCode != HttpStatusCode.PartialContent ? offset : 0;
            if (length is { } declared && response.Content.Headers.ContentLength is { } sent && sent - skip != declared - offset)
            {
                throw new HttpRequestException($"GET {url}: the server sends {sent - skip} bytes from offset {offset}, but the entry's length is {declared}");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var stream = new HttpBodyStream(response, body, url, idleTimeout)
            {
                RemainingLength = response.Content.Headers.ContentLength - skip,
                LastModified = response.Content.Headers.LastModified,
            };
            await stream.SkipAsync(skip, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A response body that names its URL in errors, times out when no data comes, disposes the response with it, and
    /// tells the writer the response's Content-Length and Last-Modified.
    /// </summary>
    private sealed class HttpBodyStream(HttpResponseMessage response, Stream body, Uri url, TimeSpan idleTimeout) : ReadOnlyStreamBase, IEntrySourceMetadata
    {
        /// <summary>The bytes still to come from the requested offset (Content-Length less what is skipped), when the server says.</summary>
        public long? RemainingLength { get; init; }

        public DateTimeOffset? LastModified { get; init; }

        long? IEntrySourceMetadata.Length => RemainingLength;

        public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
        {
            var buffer = new byte[(int)Math.Min(count, 64 * 1024)];
            while (count > 0)
            {
                var n = await ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException($"GET {url}: the body ended {count} bytes before the requested offset");
                }

                count -= n;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(idleTimeout);
            try
            {
                return await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"GET {url}: no data for {idleTimeout.TotalSeconds:0.###} s");
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                throw new IOException($"GET {url}: {ex.Message}", ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read HTTP bodies asynchronously");

        public override async ValueTask DisposeAsync()
        {
            await body.DisposeAsync().ConfigureAwait(false);
            response.Dispose();
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
