using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Several ranges of a zip through the real gateway in front of a real app, replaying mod_zip's own test
/// (t/ziptest.pl, "Multiple byte-ranges", over t/nginx/html/zip.txt and its file1.txt/file2.txt): <c>bytes=0-1,128-131</c>
/// and the reverse order get <c>206 multipart/byteranges</c>, each part <c>Content-Type: application/zip</c> with its
/// <c>Content-Range</c>, "PK" and "This" (the second file's first bytes), in the request's order. mod_zip's archive puts
/// that file at 128; the gateway's headers differ in length, so "This" is asked for where its archive has it.
/// </summary>
public sealed class ModZipMultiRangeTests
{
    // mod_zip's t/nginx/html/zip.txt, and zip-missing-crc.txt (the first CRC-32 left to the server).
    private const string ZipTxt = "1a6349c5 24 /file1.txt file1.txt\n5d70c4d3 25 /file2.txt file2.txt\n";
    private const string MissingCrcTxt = "- 24 /file1.txt file1.txt\n5d70c4d3 25 /file2.txt file2.txt\n";

    private static readonly byte[] File1 = "This is the first file.\n"u8.ToArray();
    private static readonly byte[] File2 = "This is the second file.\n"u8.ToArray();

    private static async Task<(AppGateway Gateway, ConcurrentQueue<string> Fetched)> StartAsync()
    {
        var fetched = new ConcurrentQueue<string>();
        var gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/zip.txt", (HttpContext context) => Manifest(context, ZipTxt));
            app.MapGet("/zip-missing-crc.txt", (HttpContext context) => Manifest(context, MissingCrcTxt));
            app.MapGet("/file1.txt", (HttpContext context) => Member(context, File1, fetched));
            app.MapGet("/file2.txt", (HttpContext context) => Member(context, File2, fetched));
        });
        return (gateway, fetched);
    }

    private static Task Manifest(HttpContext context, string text)
    {
        context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
        return context.Response.WriteAsync(text);
    }

    private static IResult Member(HttpContext context, byte[] bytes, ConcurrentQueue<string> fetched)
    {
        fetched.Enqueue(context.Request.Path!);
        return Results.Bytes(bytes, "text/plain");
    }

    private static async Task<HttpResponseMessage> RangesAsync(HttpClient client, string path, string range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Range", range);
        return await client.SendAsync(request);
    }

    /// <summary>The parts of a multipart answer, checked as ziptest.pl checks them: application/zip, the whole length, in order.</summary>
    private static async Task<List<MultiRangeTests.Part>> PartsAsync(HttpResponseMessage response, byte[] whole, params (long From, long To)[] expected)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.PartialContent, Encoding.UTF8.GetString(body));
        Assert.Equal("multipart/byteranges", response.Content.Headers.ContentType?.MediaType);
        var parts = await MultiRangeTests.PartsAsync(response, body);
        Assert.Equal(expected, parts.Select(p => (p.From, p.To)));
        Assert.All(parts, p =>
        {
            Assert.Equal("application/zip", p.ContentType);
            Assert.Equal(whole.Length, p.Length);
            Assert.Equal(whole[(int)p.From..(int)(p.To + 1)], p.Bytes);
        });

        // Each part as ziptest.pl's pattern has it: boundary line, Content-Type, Content-Range, blank line, bytes, CRLF.
        var text = Encoding.Latin1.GetString(body);
        foreach (var p in parts)
        {
            Assert.Contains($"\r\nContent-Type: application/zip\r\nContent-Range: bytes {p.From}-{p.To}/{whole.Length}\r\n\r\n{Encoding.Latin1.GetString(p.Bytes)}\r\n", text, StringComparison.Ordinal);
        }

        return parts;
    }

    [Fact]
    public async Task Mod_zips_own_multi_range_test_gets_application_zip_parts_PK_and_This_in_request_order()
    {
        var (gateway, _) = await StartAsync();
        await using var _gateway = gateway;
        using var client = gateway.Client();
        using var full = await client.GetAsync("zip.txt");
        var whole = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal("bytes", full.Headers.AcceptRanges.Single());
        var second = whole.AsSpan().IndexOf(File2);
        Assert.True(second > 0);

        // ziptest.pl: "bytes=0-1,128-131" -> "PK" and "This" (128 being file2's content in mod_zip's archive).
        using var forward = await RangesAsync(client, "zip.txt", $"bytes=0-1,{second}-{second + 3}");
        var parts = await PartsAsync(forward, whole, (0, 1), (second, second + 3));
        Assert.Equal(["PK", "This"], parts.Select(p => Encoding.ASCII.GetString(p.Bytes)));

        // And the reverse order: the parts follow the request, not the archive.
        using var reverse = await RangesAsync(client, "zip.txt", $"bytes={second}-{second + 3},0-1");
        parts = await PartsAsync(reverse, whole, (second, second + 3), (0, 1));
        Assert.Equal(["This", "PK"], parts.Select(p => Encoding.ASCII.GetString(p.Bytes)));

        // The literal ranges of ziptest.pl are answered too, with this archive's bytes there.
        using var literal = await RangesAsync(client, "zip.txt", "bytes=0-1,128-131");
        await PartsAsync(literal, whole, (0, 1), (128, 131));
    }

    [Fact]
    public async Task A_zip_whose_lines_lack_crc32s_still_answers_several_ranges_reading_the_members_before_the_cut()
    {
        // mod_zip drops Accept-Ranges and ignores Range for zip-missing-crc.txt; the gateway keeps ranges (gateway.md,
        // "Lengths, validators, ranges"): on a fresh gateway nothing is remembered, so a part that needs file1's CRC-32
        // (the central directory at the end) has the gateway read file1 without sending it.
        var (gateway, fetched) = await StartAsync();
        await using var _gateway = gateway;
        using var client = gateway.Client();
        using var head = new HttpRequestMessage(HttpMethod.Head, "zip-missing-crc.txt");
        using var headers = await client.SendAsync(head);
        Assert.Equal("bytes", headers.Headers.AcceptRanges.Single());
        var length = headers.Content.Headers.ContentLength!.Value;
        Assert.Empty(fetched);

        using var ranged = await RangesAsync(client, "zip-missing-crc.txt", $"bytes={length - 30}-{length - 1},0-1");
        var body = await ranged.Content.ReadAsByteArrayAsync();
        Assert.Contains("/file1.txt", fetched);

        using var full = await client.GetAsync("zip-missing-crc.txt");
        var whole = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal(length, whole.Length);
        using var again = await RangesAsync(client, "zip-missing-crc.txt", $"bytes={length - 30}-{length - 1},0-1");
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());
        var parts = await PartsAsync(again, whole, (length - 30, length - 1), (0, 1));
        Assert.Equal("PK", Encoding.ASCII.GetString(parts[1].Bytes));
        var second = whole.AsSpan().IndexOf(File2);
        using var inside = await RangesAsync(client, "zip-missing-crc.txt", $"bytes={second}-{second + 3},0-1");
        parts = await PartsAsync(inside, whole, (second, second + 3), (0, 1));
        Assert.Equal(["This", "PK"], parts.Select(p => Encoding.ASCII.GetString(p.Bytes)));
    }
}
