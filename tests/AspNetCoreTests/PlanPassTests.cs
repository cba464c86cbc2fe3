using System.Net;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>A range is answered with one measuring run of the plan and the write, not a second measure of the sources sent.</summary>
public sealed class PlanPassTests
{
    /// <summary>Bytes in memory that count how often a writer asks their length (once per run over the entries).</summary>
    private sealed class CountingSource(byte[] content) : EntrySource
    {
        private int _asked;

        public int Asked => _asked;

        public override long? Length
        {
            get
            {
                Interlocked.Increment(ref _asked);
                return content.Length;
            }
        }

        public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Stream>(new MemoryStream(content, (int)offset, content.Length - (int)offset));
    }

    [Fact]
    public async Task Range_request_lays_the_entries_out_once_to_measure_and_once_to_write()
    {
        var content = SyntheticStream.Bytes(50_000);
        var source = new CountingSource(content);
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entry = new ArchiveEntry("a.bin") { Crc32 = System.IO.Hashing.Crc32.HashToUInt32(content), LastModified = time };
        await using var server = await Server.StartAsync(app => app.MapGet("/a.tar", () => new ArchiveResult([new ArchiveItem(entry, source)], ArchiveFormat.Tar, "a")));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, "a.tar"));
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1000, 2000);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1001, (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);

        // The measuring run, the ETag, and the write (through read-ahead, which asks its source once): four before,
        // when the plan sent was measured a second time.
        Assert.Equal(3, source.Asked);
    }
}
