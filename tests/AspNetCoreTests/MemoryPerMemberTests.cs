using System.Text;
using Formats.AspNetCore;
using Formats.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// What an archive of a large manifest holds while it is answered: the parsed members, the result and its plan with
/// its length and validator, measured as bytes still reachable per member beyond the manifest's own text.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class MemoryPerMemberTests(ITestOutputHelper output)
{
    private const int Members = 100_000;

    private static readonly HttpClient Client = new();

    /// <summary>The most a member may cost beyond its manifest line (it was about 600 bytes; about 1.7 KB of RSS under load).</summary>
    private const int MaxBytesPerMember = 400;

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task A_parsed_and_measured_manifest_holds_under_400_bytes_a_member(string kind)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Members; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i:x8} {1000 + i} /files/dir{i / 1000:D3}/file{i:D6}.bin?v={i} dir{i / 1000:D3}/file{i:D6}.bin\n");
        }

        var manifest = Encoding.UTF8.GetBytes(text.ToString());
        text = null;
        Assert.True(ArchiveFormats.TryParse(kind, out var format));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var items = await ParseAsync(manifest);
        var result = new ArchiveResult(items, format, "x");
        var plan = result.CreatePlan();
        var length = await plan.PredictRangeableLengthAsync();
        var etag = plan.ETag;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True(length.IsKnown, length.Reason);
        Assert.Equal(Members, plan.Items.Count);
        // Beyond the manifest's own text: its names and locations are held as text whatever the parse (the manifest
        // counts once, as its UTF-8 bytes; the strings that hold it are in the measure).
        var perMember = (after - before) / (double)Members;
        var beyondText = (after - before - manifest.Length) / (double)Members;
        output.WriteLine($"{kind}: {perMember:0} bytes a member held, {beyondText:0} beyond the manifest's {manifest.Length / (double)Members:0} ({Members} members, {etag})");
        Assert.InRange(beyondText, 0, MaxBytesPerMember);
        GC.KeepAlive(items);
        GC.KeepAlive(result);
        GC.KeepAlive(plan);
    }

    /// <summary>As the middleware reads a manifest: paths on the member origin with the user's credentials, per archive one set of options.</summary>
    private static async Task<IReadOnlyList<ArchiveItem>> ParseAsync(byte[] manifest)
    {
        var origin = new Uri("http://127.0.0.1:8000/");
        var credentialed = new HttpSourceOptions { AllowUrl = url => HttpEntrySource.SameOrigin(origin, url), RequestHeaders = [new("Cookie", "session=abc")] };
        var anonymous = new HttpSourceOptions { AllowUrl = _ => false };
        var options = new ArchiveManifestOptions
        {
            BaseUri = origin,
            OpenRelativeUrl = (url, size) => EntrySource.FromUrl(Client, url, size, credentialed),
            OpenUrl = (url, size) => EntrySource.FromUrl(Client, url, size, anonymous),
        };
        using var stream = new MemoryStream(manifest, writable: false);
        return await ArchiveManifest.ParseAsync(stream, options);
    }
}
