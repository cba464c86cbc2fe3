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

/// <summary>The HTTP source's own limits, and the CLI taking URLs and manifests as SOURCEs.</summary>
public sealed class RemoteSourceTests
{
    private static readonly HttpClient Upstreams = new();

    [Fact]
    public async Task Upstream_that_answers_too_late_times_out_naming_the_entry_and_the_url()
    {
        await using var upstream = await Upstream.StartAsync(delayMilliseconds: 2000);
        var url = upstream.File("late", 10);
        var output = new AsyncOnlyStream();
        await using var zip = new Formats.Zip.ZipArchiveWriter(output);
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () =>
            await zip.AddEntryAsync(new ArchiveEntry("late.bin") { Length = 10 }, EntrySource.FromUrl(Upstreams, url, 10, responseTimeout: TimeSpan.FromMilliseconds(200))));
        Assert.Equal("late.bin", ex.EntryName);
        Assert.Contains(url.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("no response within", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_takes_urls_and_manifests_as_sources()
    {
        await using var upstream = await Upstream.StartAsync();
        var dir = Directory.CreateTempSubdirectory("formats-cli-manifest-").FullName;
        try
        {
            var manifest = Path.Combine(dir, "list.txt");
            await File.WriteAllTextAsync(manifest, $"- 3000 {upstream.File("x", 3000, 5)} from-manifest/x.bin\n");
            var stdout = new MemoryStream();
            var stderr = new StringWriter();
            var io = new Formats.Cli.StandardStreams(() => Stream.Null, () => stdout, stderr, new StringWriter());
            var code = await Formats.Cli.CliApp.RunAsync(["zip", "@" + manifest, upstream.File("direct.bin", 100, 6).ToString()], io, CancellationToken.None);
            Assert.True(code == 0, stderr.ToString());
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(stdout.ToArray()));
            Assert.Equal(["from-manifest/x.bin", "direct.bin"], zip.Entries.Select(e => e.FullName));
            Assert.Equal(3000, zip.Entries[0].Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
