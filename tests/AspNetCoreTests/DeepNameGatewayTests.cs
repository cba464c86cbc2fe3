using System.IO.Compression;
using System.Net;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// One manifest line whose name is 20,000 folders deep (40 KB; issue 21, item 10: 1.46 GB and 21 s through the
/// gateway before names were checked in linear time), through the gateway's real pipeline on real Kestrels
/// (<see cref="AppGateway"/>). Measured in bytes allocated, never in time; alone, so that no other test's allocations count.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class DeepNameGatewayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_manifest_line_naming_a_file_twenty_thousand_folders_deep_gets_a_whole_archive_within_64_MB_of_allocation()
    {
        var deep = string.Concat(Enumerable.Repeat("d/", 20_000)) + "f.txt"; // 40,005 bytes: 1.46 GB and 21 s before
        var name = deep;
        await using var gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/archive", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync($"- 4 /file {name}\n");
            });
            app.MapGet("/file", () => Results.Bytes("data"u8.ToArray(), "application/octet-stream"));
        });
        using var client = gateway.Client();

        // A shallow name first: what every first request costs (the pipeline's own start) is not the deep name's.
        name = "d/f.txt";
        Assert.Equal("d/f.txt", await SingleNameAsync(client));
        name = deep;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.Equal(deep, await SingleNameAsync(client));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"{allocated / 1e6:0.0} MB allocated by the gateway, the app and the client for a {deep.Length}-byte name");
        Assert.InRange(allocated, 0, 64L << 20);
    }

    /// <summary>GETs the archive and reads it with System.IO.Compression: its one entry's name (and its 4 bytes checked).</summary>
    private static async Task<string> SingleNameAsync(HttpClient client)
    {
        using var response = await client.GetAsync("archive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var entry = Assert.Single(zip.Entries);
        await using var content = await entry.OpenAsync();
        var bytes = new MemoryStream();
        await content.CopyToAsync(bytes);
        Assert.Equal("data"u8.ToArray(), bytes.ToArray());
        return entry.FullName;
    }
}
