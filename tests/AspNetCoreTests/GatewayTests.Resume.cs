using System.Buffers.Binary;
using System.Text;

namespace Formats.AspNetCoreTests;

public sealed partial class GatewayTests
{
    /// <summary>
    /// The sample's archive view sets a cookie, and the user's Cookie header enters the CRC store's key (issue 21, item
    /// 3): a first resume after a download finds nothing remembered. A second download, with the cookies the resume
    /// sends, is what the resume can find. Only for a zip of <c>-</c> lines (<c>?crc=no</c>).
    /// </summary>
    private static async Task DownloadAgainWithTheResumesCookiesAsync(HttpClient client, string format, string query, byte[] whole)
    {
        if (query != "?crc=no")
        {
            return;
        }

        using var second = await client.GetAsync($"archive/{format}/{query}");
        Assert.Equal(whole, await second.Content.ReadAsByteArrayAsync());
    }

    /// <summary>
    /// The sample's files send validators, so the first download of a zip with <c>-</c> lines left each member's CRC-32 in
    /// the gateway's store: the resume just made asked no member that ends before <paramref name="cut"/> for its whole
    /// body (aria2c -x8 once made 75 whole member requests for one archive). Read from the app's request log; only for
    /// a zip of <c>-</c> lines (<c>?crc=no</c>). The fixture's gateway fetches members from the app itself
    /// (<c>MemberOrigin</c>), as <c>formats gateway --upstream</c> does: through the gateway, every member HEAD or
    /// range would first reach the app as a whole GET (the gateway asks the app without Range or HEAD to see whether
    /// the answer is a manifest), which this assertion would see.
    /// </summary>
    private void AssertNoWholeRequestOfAMemberBeforeTheCut(string query, byte[] zip, int cut)
    {
        if (query != "?crc=no")
        {
            return;
        }

        var before = MembersEndingBefore(zip, cut);
        Assert.NotEmpty(before);
        var seen = fixture.Django.Requests();
        foreach (var name in before)
        {
            var whole = $"GET /files/{Uri.EscapeDataString(name)} range=-";
            Assert.False(seen.Any(l => l.StartsWith(whole, StringComparison.Ordinal)), $"{name} ends before the cut and was asked for whole; the app saw:\n{string.Join('\n', seen)}");
        }
    }

    /// <summary>The fixture's files whose zip entry (local header, data, descriptor) lies wholly before <paramref name="cut"/>.</summary>
    private static List<string> MembersEndingBefore(byte[] zip, int cut)
    {
        // Local file headers in archive order (APPNOTE 4.3.7: signature, name length at 26, name at 30), known names only.
        var headers = new List<(int Offset, string Name)>();
        for (var at = zip.AsSpan().IndexOf("PK\x03\x04"u8); at >= 0 && at + 30 < zip.Length;)
        {
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 26));
            var name = Encoding.UTF8.GetString(zip, at + 30, Math.Min(nameLength, zip.Length - at - 30));
            if (name.StartsWith("photos/", StringComparison.Ordinal) && Fixture.Files.ContainsKey(name["photos/".Length..]))
            {
                headers.Add((at, name["photos/".Length..]));
            }

            var next = zip.AsSpan(at + 4).IndexOf("PK\x03\x04"u8);
            at = next < 0 ? -1 : at + 4 + next;
        }

        return [.. headers.Where((h, i) => i + 1 < headers.Count && headers[i + 1].Offset <= cut).Select(h => h.Name)];
    }

    /// <summary>The sample's archive Last-Modified: the newest of its files folder and its files, to the second.</summary>
    private DateTimeOffset NewestFileTime()
    {
        var newest = Directory.EnumerateFiles(fixture.Django.Files).Select(File.GetLastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(fixture.Django.Files)).Max();
        return new DateTimeOffset(newest.Ticks - (newest.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
