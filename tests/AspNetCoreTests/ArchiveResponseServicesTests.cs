using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Formats.AspNetCoreTests;

/// <summary>
/// <c>services.AddArchiveResponses</c> on real Kestrel hosts: options checked at start, the one member client from
/// IHttpClientFactory, and meters from each host's IMeterFactory, so two hosts in one process count apart.
/// </summary>
public sealed class ArchiveResponseServicesTests
{
    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    [Fact]
    public async Task Options_out_of_bounds_stop_the_host_at_start_naming_each_option_and_its_bound()
    {
        var builder = Builder();
        builder.Services.AddArchiveResponses(options =>
        {
            options.MaxConcurrentArchives = 0;
            options.ClientRateWindow = TimeSpan.Zero;
        });

        // No UseArchiveResponses: the options are checked when the host starts, not when a request first needs them.
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("ArchiveResponseOptions.MaxConcurrentArchives is 0; it must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("ArchiveResponseOptions.ClientRateWindow is 00:00:00; it must be more than zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_given_to_UseArchiveResponses_are_checked_with_the_same_bounds()
    {
        var builder = Builder();
        builder.Services.AddArchiveResponses();
        await using var app = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => app.UseArchiveResponses(new ArchiveResponseOptions { MaxMembers = -1 }));
        Assert.Contains("ArchiveResponseOptions.MaxMembers is -1; it must be at least 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseArchiveResponses_without_its_services_names_AddArchiveResponses()
    {
        await using var app = Builder().Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.UseArchiveResponses());
        Assert.Contains("services.AddArchiveResponses()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_are_fetched_with_the_registered_member_client_and_counted_on_the_app_meter()
    {
        var seen = new ConcurrentQueue<Uri>();
        var fetches = new ConcurrentQueue<Meter>();
        await using var server = await Server.StartAsync(
            app =>
            {
                app.UseArchiveResponses();
                app.MapGet("/files/{name}", (string name) => Results.Text("member " + name));
                app.MapGet("/archive", (HttpContext context) =>
                {
                    context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                    return context.Response.WriteAsync("- 12 /files/a.txt a.txt\n- 12 /files/b.txt b.txt\n");
                });
            },
            services => services.AddArchiveMemberClient().AddHttpMessageHandler(() => new Recording(seen)));
        using var listener = Listen(server.Services.GetRequiredService<IMeterFactory>(), "formats.member.fetch.duration", (instrument, _) => fetches.Enqueue(instrument.Meter));

        using var client = new HttpClient();
        var archive = await client.GetByteArrayAsync(new Uri(server.BaseUri, "archive"));
        Assert.Equal(["a.txt", "b.txt"], ZipTestHelpers.ReadWithSystemIoCompression(archive).Keys.Order());
        Assert.Equal(["/files/a.txt", "/files/b.txt"], seen.Select(u => u.AbsolutePath).Order());
        Assert.Equal(2, fetches.Count);
        Assert.All(fetches, meter => Assert.Equal(ArchiveMeters.Http, meter.Name));
    }

    [Fact]
    public async Task Two_hosts_in_one_process_count_their_archives_apart()
    {
        static Task<Server> StartAsync() => Server.StartAsync(app => app.MapGet("/archive", () =>
            new ArchiveResult([new ArchiveItem(new ArchiveEntry("a.txt"), EntrySource.FromBytes("hello"u8.ToArray()))], ArchiveFormat.Zip, "a")));
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var counts = new long[2];
        using var firstListener = Listen(first.Services.GetRequiredService<IMeterFactory>(), "formats.archives.started", (_, value) => Interlocked.Add(ref counts[0], value));
        using var secondListener = Listen(second.Services.GetRequiredService<IMeterFactory>(), "formats.archives.started", (_, value) => Interlocked.Add(ref counts[1], value));

        using var client = new HttpClient();
        await client.GetByteArrayAsync(new Uri(first.BaseUri, "archive"));
        for (var i = 0; i < 3; i++)
        {
            await client.GetByteArrayAsync(new Uri(second.BaseUri, "archive"));
        }

        Assert.Equal([1L, 3L], counts);
    }

    /// <summary>Measurements of <paramref name="instrument"/> from the meters of <paramref name="factory"/> only.</summary>
    private static MeterListener Listen(IMeterFactory factory, string instrument, Action<Instrument, long> measured)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (published, l) =>
            {
                if (published.Meter.Scope == factory && published.Name == instrument)
                {
                    l.EnableMeasurementEvents(published);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, value, _, _) => measured(i, value));
        listener.SetMeasurementEventCallback<double>((i, _, _, _) => measured(i, 1));
        listener.Start();
        return listener;
    }

    /// <summary>A handler added to the member client: every request it passes on.</summary>
    private sealed class Recording(ConcurrentQueue<Uri> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
