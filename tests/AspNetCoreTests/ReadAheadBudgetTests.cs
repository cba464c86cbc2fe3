using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Formats.Tar;
using Microsoft.AspNetCore.Builder;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Read-ahead within a budget shared by every archive of the process, and members parked by read-ahead (their buffer
/// full because the archive's consumer is slow) never taken for idle or slow upstreams. Counted at a real upstream.
/// </summary>
public sealed class ReadAheadBudgetTests
{
    private static readonly HttpClient Upstreams = new();

    [Fact]
    public async Task The_budget_caps_connections_opened_ahead_across_several_archives()
    {
        const int archives = 3, members = 8, memberBytes = 4 << 20;
        var budget = new ReadAheadBudget(maxConnections: 2, maxBufferedBytes: 64 << 20);
        await using var upstream = await Upstream.StartAsync();
        var items = Enumerable.Range(0, members).Select(i => new ArchiveItem(
            new ArchiveEntry($"m{i}.bin") { Length = memberBytes },
            EntrySource.FromUrl(Upstreams, upstream.File($"m{i}", memberBytes, i), memberBytes))).ToList();
        await using var server = await Server.StartAsync(app => app.MapGet("/download", () =>
            new ArchiveResult(items, ArchiveFormat.Zip, "x") { ReadAheadDepth = 4, ReadAheadBudget = budget }));
        using var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(120) };

        // Three downloads whose clients read nothing yet: each streams its first member and reads ahead what the budget lets it.
        var responses = await Task.WhenAll(Enumerable.Range(0, archives).Select(_ => client.GetAsync("download", HttpCompletionOption.ResponseHeadersRead)));
        for (var wait = 0; (budget.Connections < budget.MaxConnections || upstream.Requests.Count < archives + budget.MaxConnections) && wait < 600; wait++)
        {
            await Task.Delay(50); // a failure guard of 30 s, not a synchronisation: the loop ends as soon as the state is reached
        }

        Assert.Equal(budget.MaxConnections, budget.Connections);
        foreach (var response in responses)
        {
            await AssertWholeAsync(response, members, memberBytes);
        }

        // One member per archive in its turn, and at most the budget's connections ahead of theirs, at any moment.
        Assert.InRange(upstream.MaxInFlight, archives + 1, archives + budget.MaxConnections);
        Assert.Equal(archives * members, upstream.Requests.Count);
        Assert.Equal(0, budget.Connections);
        Assert.Equal(0, budget.BufferedBytes);
    }

    [Fact]
    public async Task The_budgets_bytes_cap_what_is_opened_ahead_across_several_archives_when_connections_are_plenty()
    {
        const int archives = 3, members = 8, memberBytes = 4 << 20, bufferBytes = 256 * 1024;
        var budget = new ReadAheadBudget(maxConnections: 64, maxBufferedBytes: 2 * bufferBytes);
        await using var upstream = await Upstream.StartAsync();
        var items = Enumerable.Range(0, members).Select(i => new ArchiveItem(
            new ArchiveEntry($"m{i}.bin") { Length = memberBytes },
            EntrySource.FromUrl(Upstreams, upstream.File($"m{i}", memberBytes, i), memberBytes))).ToList();
        await using var server = await Server.StartAsync(app => app.MapGet("/download", () =>
            new ArchiveResult(items, ArchiveFormat.Zip, "x") { ReadAheadDepth = 4, ReadAheadBufferBytes = bufferBytes, ReadAheadBudget = budget }));
        using var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(120) };

        // Three downloads whose clients read nothing yet: connections would allow 3 x 4 ahead, the bytes allow two buffers.
        var responses = await Task.WhenAll(Enumerable.Range(0, archives).Select(_ => client.GetAsync("download", HttpCompletionOption.ResponseHeadersRead)));
        for (var wait = 0; (budget.BufferedBytes < budget.MaxBufferedBytes || upstream.Requests.Count < archives + 2) && wait < 600; wait++)
        {
            await Task.Delay(50); // a failure guard of 30 s, not a synchronisation: the loop ends as soon as the state is reached
        }

        Assert.Equal(budget.MaxBufferedBytes, budget.BufferedBytes);
        Assert.InRange(budget.Connections, 0, 2);
        Assert.Equal(archives + 2, upstream.Requests.Count);

        // Read all three at once, so that none waits behind another's reading long enough to park its members.
        await Task.WhenAll(responses.Select(response => AssertWholeAsync(response, members, memberBytes)));

        // One member per archive in its turn, and at most two buffers' worth of members ahead of theirs, at any moment;
        // each member asked for whole once (a member parked long enough to let go of its connection resumes with a Range).
        Assert.InRange(upstream.MaxInFlight, archives + 1, archives + 2);
        Assert.Equal(archives * members, upstream.Requests.Count(r => r.Range is null));
        Assert.Equal(0, budget.Connections);
        Assert.Equal(0, budget.BufferedBytes);
    }

    [Fact]
    public async Task A_member_parked_by_read_ahead_longer_than_the_idle_timeout_is_not_taken_for_an_idle_upstream()
    {
        var http = new HttpSourceOptions
        {
            IdleTimeout = TimeSpan.FromSeconds(1),
            ResponseTimeout = TimeSpan.FromSeconds(10),
            MinimumBytesPerSecond = 256 * 1024,
            RateWindow = TimeSpan.FromSeconds(1),

            // Not what this test is about: a buffer full for longer lets go of its connection and resumes, which a
            // loaded machine reaches for m2 (full from the start until m0 and m1 are written after the 4 s stall).
            ParkedConnectionLimit = TimeSpan.FromMinutes(10),
        };
        await using var upstream = await Upstream.StartAsync();
        int[] sizes = [512 * 1024, 2 << 20, 1 << 20];
        var items = sizes.Select((size, i) => new ArchiveItem(
            new ArchiveEntry($"m{i}.bin") { Length = size },
            EntrySource.FromUrl(Upstreams, upstream.File($"m{i}", size, i), size, http))).ToList();
        await using var readAhead = ReadAhead.Create(items, depth: 2, bufferBytesPerEntry: 64 * 1024);

        // The consumer stops for four idle timeouts at its first write, in the middle of m0: m1 and m2 are read ahead
        // meanwhile, fill their buffers and wait, their upstreams healthy.
        var output = new SlowConsumer(TimeSpan.FromSeconds(4));
        await new TarArchivePlan(readAhead.Items).WriteAsync(output);
        Assert.True(output.Stalled);
        Assert.Equal(3, upstream.Requests.Count);

        output.Position = 0;
        await using var tar = new TarReader(output);
        for (var i = 0; i < sizes.Length; i++)
        {
            var entry = await tar.GetNextEntryAsync();
            Assert.Equal($"m{i}.bin", entry!.Name);
            var bytes = new MemoryStream();
            await entry.DataStream!.CopyToAsync(bytes);
            Assert.Equal(SyntheticStream.Bytes(sizes[i], i, compressible: false), bytes.ToArray());
        }
    }

    /// <summary>A memory stream whose first write takes <c>stall</c>: a client that stops reading for a while.</summary>
    /// <summary>The download is a 200 whose zip has every member, its last one whole (disposes the response).</summary>
    private static async Task AssertWholeAsync(HttpResponseMessage response, int members, int memberBytes)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
            Assert.Equal(members, zip.Entries.Count);
            await using var last = await zip.Entries[^1].OpenAsync();
            var bytes = new MemoryStream();
            await last.CopyToAsync(bytes);
            Assert.Equal(SyntheticStream.Bytes(memberBytes, members - 1, compressible: false), bytes.ToArray());
        }
    }

    private sealed class SlowConsumer(TimeSpan stall) : MemoryStream
    {
        public bool Stalled { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Stalled)
            {
                Stalled = true;
                await Task.Delay(stall, cancellationToken);
            }

            await base.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
