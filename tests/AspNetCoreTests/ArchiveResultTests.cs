using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;
using System.Net.Http.Headers;
using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Formats.Zip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>ArchiveResult on a real Kestrel, with a second real Kestrel as the remote servers of the entries.</summary>
public sealed partial class ArchiveResultTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private static readonly HttpClient Upstreams = new();
    private static readonly (string Name, long Size, int Seed)[] Files = [("a.bin", 100_000, 1), ("dir/b.bin", 300_000, 2), ("c.bin", 1, 3), ("empty", 0, 4)];

    private static byte[] Content((string Name, long Size, int Seed) f) => SyntheticStream.Bytes(f.Size, f.Seed, compressible: false);

    private static List<ArchiveItem> Items(Upstream upstream, bool crcs = true) =>
        [.. Files.Select(f => new ArchiveItem(
            new ArchiveEntry(f.Name) { Length = f.Size, LastModified = Time, Crc32 = crcs ? Crc32.HashToUInt32(Content(f)) : null },
            EntrySource.FromUrl(Upstreams, upstream.File(f.Name.Replace('/', '_'), f.Size, f.Seed), f.Size)))];

    private static Task<Server> ServeAsync(Func<HttpRequest, IResult> handler) =>
        Server.StartAsync(app => app.MapMethods("/download", ["GET", "HEAD"], (HttpRequest request) => handler(request)));

    private static async Task<HttpResponseMessage> GetAsync(Server server, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        using var client = new HttpClient();
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(server.BaseUri, "download"));
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Theory]
    [InlineData(ArchiveFormat.Zip)]
    [InlineData(ArchiveFormat.Tar)]
    [InlineData(ArchiveFormat.TarGzip)]
    [InlineData(ArchiveFormat.TarZstandard)]
    public async Task Full_download_reads_back_as_the_entries_with_the_right_type_and_name(ArchiveFormat format)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), format, "photos"));
        using var response = await GetAsync(server);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(format.ContentType(), response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"attachment; filename=\"photos{format.Extension()}\"", response.Content.Headers.ContentDisposition!.ToString());
        var body = await response.Content.ReadAsByteArrayAsync();
        var read = new Dictionary<string, byte[]>();
        if (format == ArchiveFormat.Zip)
        {
            using var zip = new ZipArchive(new MemoryStream(body));
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                var ms = new MemoryStream();
                s.CopyTo(ms);
                read[e.FullName] = ms.ToArray();
            }
        }
        else
        {
            var plain = TarTestHelpers.Decompress(body, format switch
            {
                ArchiveFormat.TarGzip => Formats.Tar.TarCompression.Gzip,
                ArchiveFormat.TarZstandard => Formats.Tar.TarCompression.Zstandard,
                _ => Formats.Tar.TarCompression.None,
            });
            read = TarTestHelpers.ReadWithTarReader(plain).ToDictionary(e => e.Name, e => e.Content);
        }

        Assert.Equal(Files.Select(f => f.Name), read.Keys);
        Assert.All(Files, f => Assert.Equal(Content(f), read[f.Name]));
        var predictable = format is ArchiveFormat.Zip or ArchiveFormat.Tar;
        Assert.Equal(!predictable, response.Headers.TransferEncodingChunked == true);
        Assert.Equal(predictable, response.Headers.AcceptRanges.Contains("bytes"));
        if (predictable)
        {
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.NotNull(response.Headers.ETag);
            Assert.Equal(Time, response.Content.Headers.LastModified);
        }
        else
        {
            Assert.True(response.Headers.TransferEncodingChunked);
        }
    }

    [Theory]
    [InlineData(ArchiveFormat.Zip)]
    [InlineData(ArchiveFormat.Tar)]
    public async Task Ranges_concatenated_equal_the_full_body_and_fetch_only_what_they_need_upstream(ArchiveFormat format)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), format, "x") { DefaultLastModified = Time });
        using var whole = await GetAsync(server);
        var full = await whole.Content.ReadAsByteArrayAsync();
        var cuts = new long[] { 0, 1, 777, 50_000, 150_001, 399_999, full.Length - 5, full.Length };
        var joined = new List<byte>();
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            using var part = await GetAsync(server, r => r.Headers.Range = new RangeHeaderValue(cuts[i], cuts[i + 1] - 1));
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal($"bytes {cuts[i]}-{cuts[i + 1] - 1}/{full.Length}", part.Content.Headers.ContentRange!.ToString());
            joined.AddRange(await part.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(full, joined.ToArray());

        // A range inside b.bin's content fetches b.bin alone, from the matching offset.
        while (upstream.Requests.TryDequeue(out _))
        {
        }

        using var inside = await GetAsync(server, r => r.Headers.Range = new RangeHeaderValue(200_000, 200_099));
        Assert.Equal(100, (await inside.Content.ReadAsByteArrayAsync()).Length);
        var fetched = Assert.Single(upstream.Requests);
        Assert.Equal("/file/dir_b.bin", fetched.Path);
        Assert.StartsWith("bytes=", fetched.Range, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suffix_and_open_ranges_and_unsatisfiable_ranges_follow_rfc_9110()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), ArchiveFormat.Tar, "x") { DefaultLastModified = Time });
        var full = await (await GetAsync(server)).Content.ReadAsByteArrayAsync();
        using var suffix = await GetAsync(server, r => r.Headers.Range = new RangeHeaderValue(null, 1000));
        Assert.Equal(full[^1000..], await suffix.Content.ReadAsByteArrayAsync());
        using var open = await GetAsync(server, r => r.Headers.Range = new RangeHeaderValue(full.Length - 10, null));
        Assert.Equal(full[^10..], await open.Content.ReadAsByteArrayAsync());
        using var beyond = await GetAsync(server, r => r.Headers.Range = new RangeHeaderValue(full.Length, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{full.Length}", beyond.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task If_range_with_a_stale_validator_gets_the_full_200_and_a_current_one_gets_206()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), ArchiveFormat.Zip, "x") { DefaultLastModified = Time });
        using var first = await GetAsync(server);
        var etag = first.Headers.ETag!;
        using var current = await GetAsync(server, r =>
        {
            r.Headers.Range = new RangeHeaderValue(10, 19);
            r.Headers.IfRange = new RangeConditionHeaderValue(etag);
        });
        Assert.Equal(HttpStatusCode.PartialContent, current.StatusCode);
        using var stale = await GetAsync(server, r =>
        {
            r.Headers.Range = new RangeHeaderValue(10, 19);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"stale\""));
        });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await stale.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(ArchiveFormat.Zip)]
    [InlineData(ArchiveFormat.TarGzip)]
    public async Task Head_has_the_same_headers_as_get_and_no_body(ArchiveFormat format)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), format, "x") { DefaultLastModified = Time });
        using var get = await GetAsync(server);
        while (upstream.Requests.TryDequeue(out _))
        {
        }

        using var head = await GetAsync(server, method: HttpMethod.Head);
        static string Headers(HttpResponseMessage r) => string.Join('\n', r.Headers.Concat(r.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Transfer-Encoding"))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        Assert.Equal(Headers(get), Headers(head));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Encrypted_zip_is_sent_chunked_without_validators_or_ranges_and_7zip_decrypts_it()
    {
        // Every member gets a random salt, so no two responses are the same: no length, ETag or ranges to promise.
        await using var upstream = await Upstream.StartAsync();
        await using var server = await ServeAsync(_ => new ArchiveResult(Items(upstream), ArchiveFormat.Zip, "x")
        {
            ZipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Encryption = ZipEncryption.Aes256("correct horse") },
        });
        using var response = await GetAsync(server, r => r.Headers.Range = new RangeHeaderValue(0, 9));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Null(response.Headers.ETag);
        Assert.Empty(response.Headers.AcceptRanges);
        var path = Path.Combine(Path.GetTempPath(), $"formats-encrypted-{Guid.NewGuid():N}.zip");
        try
        {
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            var test = await ExternalTool.RunAsync("7zz", ["t", "-pcorrect horse", path]);
            Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
            var wrong = await ExternalTool.RunAsync("7zz", ["t", "-pwrong", path]);
            Assert.NotEqual(0, wrong.ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Deflated_zip_is_sent_chunked_without_range_support_and_a_stored_zip_without_crcs_resumes()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var deflateServer = await ServeAsync(_ => new ArchiveResult(Items(upstream), ArchiveFormat.Zip, "x") { ZipOptions = new ZipWriterOptions() });
        using var deflated = await GetAsync(deflateServer, r => r.Headers.Range = new RangeHeaderValue(0, 9));
        Assert.Equal(HttpStatusCode.OK, deflated.StatusCode);
        Assert.True(deflated.Headers.TransferEncodingChunked);
        Assert.Empty(deflated.Headers.AcceptRanges);

        // No CRC-32 declared: the layout has data descriptors, fixed by the metadata, so the zip has a length, a strong
        // ETag and ranges; a range reads the members before it for their CRC-32s (or finds them remembered).
        var store = new MemoryCrcStore();
        await using var noCrcServer = await ServeAsync(_ => new ArchiveResult(Items(upstream, crcs: false), ArchiveFormat.Zip, "x")
        {
            ZipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = store },
        });
        using var whole = await GetAsync(noCrcServer);
        var full = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(full.Length, whole.Content.Headers.ContentLength);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.False(whole.Headers.ETag!.IsWeak);
        foreach (var cut in new[] { 1L, full.Length / 3, full.Length - 30 })
        {
            using var tail = await GetAsync(noCrcServer, r =>
            {
                r.Headers.Range = new RangeHeaderValue(cut, null);
                r.Headers.IfRange = new RangeConditionHeaderValue(whole.Headers.ETag);
            });
            Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
            Assert.Equal(full[(int)cut..], await tail.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Non_ascii_file_name_gets_an_ascii_fallback_and_an_rfc_5987_filename_star()
    {
        await using var server = await ServeAsync(_ => new ArchiveResult([], ArchiveFormat.Zip, "Fotos – Mai ü"));
        using var response = await GetAsync(server);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("Fotos _ Mai _.zip", disposition.FileName!.Trim('"'));
        Assert.Equal("Fotos – Mai ü.zip", disposition.FileNameStar);
    }

    [Fact]
    public async Task Pull_adapter_sends_an_archive_as_a_request_body()
    {
        await using var upstream = await Upstream.StartAsync();
        byte[]? received = null;
        await using var sink = await Server.StartAsync(app => app.MapPost("/upload", async (HttpRequest request) =>
        {
            var ms = new MemoryStream();
            await request.Body.CopyToAsync(ms);
            received = ms.ToArray();
            return Results.Ok();
        }));
        var plan = new Formats.Tar.TarArchivePlan(Items(upstream)) { DefaultLastModified = Time };
        await using var body = ArchiveReadStream.FromPlan(plan, maxBufferedBytes: 64 * 1024);
        using var client = new HttpClient();
        using var response = await client.PostAsync(new Uri(sink.BaseUri, "upload"), new StreamContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = TarTestHelpers.ReadWithTarReader(received!);
        Assert.Equal(Files.Select(f => f.Name), read.Select(e => e.Name));
        Assert.Equal(Content(Files[1]), read[1].Content);
    }
}
