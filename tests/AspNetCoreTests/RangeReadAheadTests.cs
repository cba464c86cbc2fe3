using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// A range fetches the members whose content it covers and no other: read-ahead opens none past the range's end nor
/// before its start. Member requests are counted at a real upstream Kestrel; which members a range covers is worked out
/// here from the whole archive's own headers, not from the library's layout.
/// </summary>
public sealed class RangeReadAheadTests
{
    private const int Members = 8;
    private const int MemberBytes = 1 << 20;
    private const long MiB = 1 << 20;

    private static readonly HttpClient Upstreams = new();

    private static readonly uint[] Crcs = [.. Enumerable.Range(0, Members).Select(i => Crc32.HashToUInt32(SyntheticStream.Bytes(MemberBytes, i, compressible: false)))];

    [Theory]
    [InlineData(ArchiveFormat.Tar, false)]
    [InlineData(ArchiveFormat.Zip, false)]
    [InlineData(ArchiveFormat.Tar, true)]
    [InlineData(ArchiveFormat.Zip, true)]
    public async Task A_range_fetches_only_the_members_whose_content_it_covers(ArchiveFormat format, bool middleware)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var server = await StartAsync(upstream, format, middleware);
        using var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };

        // The whole archive reads ahead as before: members overlap at the upstream.
        var full = await client.GetByteArrayAsync("download");
        Assert.Equal(Members, upstream.Requests.Count);
        Assert.InRange(upstream.MaxInFlight, 2, 5);
        var spans = ContentSpans(full, format);
        var lastEnd = spans[^1].Start + MemberBytes;

        (long Start, long End)[] ranges =
        [
            (0, 1000),                                   // the start: the first member's first bytes
            (4 * MiB + 1000, 4 * MiB + 5000),            // the middle, across a member boundary in a tar
            (2 * MiB, 5 * MiB),                          // the middle, over several members
            (lastEnd - 10, full.Length - 1),             // the end: the last member's tail and the end records
            (full.Length - 100, full.Length - 1),        // the end records alone
        ];
        foreach (var (start, end) in ranges)
        {
            upstream.Requests.Clear();
            using var request = new HttpRequestMessage(HttpMethod.Get, "download");
            request.Headers.Range = new RangeHeaderValue(start, end);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(full.AsSpan((int)start, (int)(end - start + 1)).ToArray(), await response.Content.ReadAsByteArrayAsync());

            var expected = Enumerable.Range(0, Members)
                .Where(i => spans[i].Start <= end && spans[i].Start + MemberBytes > start)
                .Select(i => $"/file/m{i}").ToList();
            var fetched = upstream.Requests.Select(r => r.Path).Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(fetched), $"bytes={start}-{end} fetched [{string.Join(", ", fetched)}], needs [{string.Join(", ", expected)}]");
        }
    }

    private static async Task<Server> StartAsync(Upstream upstream, ArchiveFormat format, bool middleware)
    {
        if (!middleware)
        {
            var items = Enumerable.Range(0, Members).Select(i => new ArchiveItem(
                new ArchiveEntry($"m{i}.bin") { Length = MemberBytes, Crc32 = Crcs[i] },
                EntrySource.FromUrl(Upstreams, upstream.File($"m{i}", MemberBytes, i), MemberBytes))).ToList();
            return await Server.StartAsync(app => app.MapGet("/download", () => new ArchiveResult(items, format, "x")));
        }

        var manifest = string.Concat(Enumerable.Range(0, Members).Select(i => $"{Crcs[i]:x8} {MemberBytes} /file/m{i}?size={MemberBytes}&seed={i} m{i}.bin\n"));
        return await Server.StartAsync(app =>
        {
            app.UseArchiveResponses(new ArchiveResponseOptions { MemberOrigin = upstream.BaseUri });
            app.MapGet("/download", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = format == ArchiveFormat.Zip ? "zip" : "tar";
                return context.Response.WriteAsync(manifest);
            });
        });
    }

    /// <summary>Where each member's content starts in the archive, read from its local zip header or its tar header.</summary>
    private static List<(long Start, string Name)> ContentSpans(byte[] archive, ArchiveFormat format)
    {
        var spans = new List<(long, string)>();
        var at = 0;
        for (var i = 0; i < Members; i++)
        {
            if (format == ArchiveFormat.Zip)
            {
                Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(archive.AsSpan(at))); // local file header signature
                var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(archive.AsSpan(at + 26));
                var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(archive.AsSpan(at + 28));
                var name = System.Text.Encoding.UTF8.GetString(archive, at + 30, nameLength);
                at += 30 + nameLength + extraLength;
                spans.Add((at, name));
            }
            else
            {
                var name = System.Text.Encoding.ASCII.GetString(archive, at, 100).TrimEnd('\0');
                at += 512; // one ustar header block, no pax record for these short names
                spans.Add((at, name));
            }

            Assert.Equal($"m{i}.bin", spans[^1].Item2);
            at += MemberBytes; // a multiple of 512: no tar padding; a zip member with its CRC declared has no descriptor
        }

        return spans;
    }
}
