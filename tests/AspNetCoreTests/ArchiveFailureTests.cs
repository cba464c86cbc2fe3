using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// A failure's <see cref="ArchiveErrorReason"/>, not its message, decides its status before the first byte and its
/// outcome on <c>formats.archives.ended</c>; URL sources mark their errors with the reason.
/// </summary>
public sealed class ArchiveFailureTests
{
    private static readonly HttpClient Upstreams = new();

    /// <summary>Each reason's status and outcome: 502 for a source or the items, 504 for a source too slow, 500 for this side.</summary>
    public static TheoryData<ArchiveErrorReason, int, string> Mapping => new()
    {
        { ArchiveErrorReason.FormatLimit, 502, "failed" },
        { ArchiveErrorReason.NotPlannable, 500, "error" },
        { ArchiveErrorReason.SourceUnavailable, 502, "failed" },
        { ArchiveErrorReason.SourceFailed, 502, "failed" },
        { ArchiveErrorReason.SourceTooShort, 502, "failed" },
        { ArchiveErrorReason.SourceTooLong, 502, "failed" },
        { ArchiveErrorReason.CrcMismatch, 502, "failed" },
        { ArchiveErrorReason.SourceInvalid, 502, "failed" },
        { ArchiveErrorReason.UpstreamStatus, 502, "failed" },
        { ArchiveErrorReason.OriginNotAllowed, 502, "failed" },
        { ArchiveErrorReason.MemberTooLarge, 502, "failed" },
        { ArchiveErrorReason.Timeout, 504, "upstream_timeout" },
        { ArchiveErrorReason.OutputFailed, 500, "error" },
        { ArchiveErrorReason.EntryNotFinished, 500, "error" },
    };

    [Theory]
    [MemberData(nameof(Mapping))]
    public void Each_reason_maps_to_its_status_and_outcome(ArchiveErrorReason reason, int status, string outcome)
    {
        var error = new ArchiveException("a.bin", reason, "whatever the message says: 504 timeout internal error");
        Assert.Equal(status, ArchiveFailure.Status(error));
        Assert.Equal(outcome, ArchiveFailure.End(error).OutcomeTag());
        Assert.True(ArchiveFailure.End(error).IsFailure());
    }

    [Fact]
    public void Every_reason_has_a_mapping_under_test()
    {
        Assert.Equal(Enum.GetValues<ArchiveErrorReason>().Order(), Mapping.Select(row => (ArchiveErrorReason)row.Data.Item1).Order());
    }

    [Fact]
    public void Failures_that_are_not_archive_exceptions_map_by_their_type()
    {
        Assert.Equal(502, ArchiveFailure.Status(new InvalidEntryNameException("../a", EntryNameRule.DotDotSegment, "name has a '..' segment")));
        Assert.Equal(502, ArchiveFailure.Status(new HttpRequestException("refused")));
        Assert.Equal(500, ArchiveFailure.Status(new IOException("the response's pipe broke")));
        Assert.Equal("error", ArchiveFailure.End(new IOException("x")).OutcomeTag());
    }

    private static async Task<ArchiveException> FailAsync(EntrySource source, long? length = null)
    {
        await using var zip = new Formats.Zip.ZipArchiveWriter(new AsyncOnlyStream());
        return await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("m.bin") { Length = length }, source));
    }

    [Fact]
    public async Task Url_source_failures_carry_their_reason_to_the_archive_and_to_the_member_error_metric()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var other = await Upstream.StartAsync();
        using var noRedirects = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });

        var missing = await FailAsync(EntrySource.FromUrl(Upstreams, new Uri(upstream.BaseUri, "missing/thing"), 10), 10);
        Assert.Equal(ArchiveErrorReason.UpstreamStatus, missing.Reason);
        Assert.Equal("404", HttpSourceMetrics.Kind(missing.InnerException!));

        var allowed = new HttpSourceOptions { AllowUrl = u => u.Port == upstream.BaseUri.Port };
        var outside = new Uri(upstream.BaseUri, "redirect?to=" + Uri.EscapeDataString(other.File("b", 100).ToString()));
        var refused = await FailAsync(EntrySource.FromUrl(noRedirects, outside, 100, allowed), 100);
        Assert.Equal(ArchiveErrorReason.OriginNotAllowed, refused.Reason);
        Assert.Equal("refused", HttpSourceMetrics.Kind(refused.InnerException!));

        var loop = await FailAsync(EntrySource.FromUrl(noRedirects, new Uri(upstream.BaseUri, "loop/0"), null, new HttpSourceOptions { MaxRedirects = 2 }));
        Assert.Equal(ArchiveErrorReason.SourceInvalid, loop.Reason);
        Assert.Equal("network", HttpSourceMetrics.Kind(loop.InnerException!));

        var longer = await FailAsync(EntrySource.FromUrl(Upstreams, new Uri(upstream.BaseUri, "wrong-length/x?size=100"), 100), 100);
        Assert.Equal(ArchiveErrorReason.SourceTooLong, longer.Reason);

        var large = await FailAsync(EntrySource.FromUrl(Upstreams, upstream.File("big", 10_000), null, new HttpSourceOptions { MaxMemberBytes = 1000 }));
        Assert.Equal(ArchiveErrorReason.MemberTooLarge, large.Reason);
    }

    [Fact]
    public async Task Url_source_that_does_not_answer_in_time_is_a_timeout_and_its_archive_a_504()
    {
        // The upstream holds every request for a minute; the source waits 200 ms for its answer.
        await using var upstream = await Upstream.StartAsync(delayMilliseconds: 60_000);
        var options = new HttpSourceOptions { ResponseTimeout = TimeSpan.FromMilliseconds(200) };
        var late = await FailAsync(EntrySource.FromUrl(Upstreams, upstream.File("late", 10), 10, options), 10);
        Assert.Equal(ArchiveErrorReason.Timeout, late.Reason);
        Assert.Equal("timeout", HttpSourceMetrics.Kind(late.InnerException!));

        var items = new[] { new ArchiveItem(new ArchiveEntry("late.bin") { Length = 10 }, EntrySource.FromUrl(Upstreams, upstream.File("late", 10), 10, options)) };
        await using var server = await Server.StartAsync(app => app.MapGet("/download", () => new ArchiveResult(items, ArchiveFormat.Zip, "x")));
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "download"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("entry 'late.bin'", text, StringComparison.Ordinal);
        Assert.Contains("no response within 0.2 s", text, StringComparison.Ordinal);
    }
}
