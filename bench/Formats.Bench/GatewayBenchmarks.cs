using System.Buffers;
using System.IO.Hashing;
using System.Text;
using BenchmarkDotNet.Attributes;
using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Formats.Bench;

/// <summary>
/// The three servers of the gateway scenarios, all on 127.0.0.1 in this process: an app with <see cref="Members"/>
/// members of <see cref="MemberBytes"/> each, a manifest of them, and one file of their total size; <c>formats
/// gateway</c> in front of it; and YARP alone in front of it (the limit: proxying the same bytes as one file).
/// </summary>
public sealed class GatewayRig : IAsyncDisposable
{
    public const int Members = 16;

    public static readonly int MemberBytes = (int)Data.Scaled(1024 * 1024);

    private readonly List<WebApplication> _apps = [];

    public Uri Gateway { get; private set; } = null!;

    public Uri Proxy { get; private set; } = null!;

    public HttpClient Client { get; } = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>The rig; with <paramref name="upstream"/> given (an app in another process), only the gateway and the proxy start here.</summary>
    public static async Task<GatewayRig> StartAsync(Uri? upstream = null, int readAheadDepth = 4)
    {
        var rig = new GatewayRig();
        var app = upstream ?? await rig.StartUpstreamAsync();
        var gateway = GatewayCommand.Build(app, "http://127.0.0.1:0", "/_formats", new ArchiveResponseOptions { ReadAheadDepth = readAheadDepth }, logArchives: false);
        await gateway.StartAsync();
        rig._apps.Add(gateway);
        rig.Gateway = new Uri(gateway.Urls.First() + "/");

        var proxy = await rig.StartAppAsync(builder => builder.Services.AddHttpForwarder(), web => web.MapForwarder("/{**path}", app.ToString().TrimEnd('/')));
        rig.Proxy = proxy;
        return rig;
    }

    /// <summary>Only the app, until standard input closes (the memory measure runs it in a process of its own).</summary>
    public static async Task RunUpstreamAsync(TextWriter output)
    {
        await using var rig = new GatewayRig();
        var app = await rig.StartUpstreamAsync();
        output.WriteLine(app);
        output.Flush();
        await Console.In.ReadToEndAsync();
    }

    private async Task<Uri> StartUpstreamAsync()
    {
        var member = Data.Random(MemberBytes, 7);
        var whole = new byte[(long)MemberBytes * Members];
        for (var i = 0; i < Members; i++)
        {
            member.CopyTo(whole, (long)i * MemberBytes);
        }

        var crc = Crc32.HashToUInt32(member);
        var manifest = new StringBuilder();
        for (var i = 0; i < Members; i++)
        {
            manifest.Append($"{crc:x8} {MemberBytes} /member/{i} data/{i:D3}.bin\n");
        }

        var text = manifest.ToString();
        return await StartAppAsync(builder => { }, web =>
        {
            // Written in 64 KiB pieces, as a file server streams a file, so the app holds no more than a piece per response.
            web.MapGet("/member/{i}", (HttpContext context) => StreamAsync(context, member));
            web.MapGet("/whole", (HttpContext context) => StreamAsync(context, whole));
            web.MapGet("/archive", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync(text);
            });
        });
    }

    private static async Task StreamAsync(HttpContext context, byte[] content)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = content.Length;
        for (var at = 0; at < content.Length; at += 64 * 1024)
        {
            await context.Response.Body.WriteAsync(content.AsMemory(at, Math.Min(64 * 1024, content.Length - at)), context.RequestAborted);
        }
    }

    private async Task<Uri> StartAppAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        _apps.Add(app);
        return new Uri(app.Urls.First() + "/");
    }

    /// <summary><paramref name="clients"/> downloads of <paramref name="url"/> at once, each read to its end; the bytes of all.</summary>
    public async Task<long> DownloadAsync(Uri url, int clients)
    {
        var downloads = Enumerable.Range(0, clients).Select(async _ =>
        {
            using var response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                total += n;
            }

            ArrayPool<byte>.Shared.Return(buffer);
            return total;
        });
        return (await Task.WhenAll(downloads)).Sum();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>
/// Gateway throughput against YARP proxying one file of the same total size from the same app: 1, 16 and 64 clients
/// at once, each downloading 16 members (16 MiB in all at full size) as a stored zip.
/// </summary>
[Config(typeof(BenchConfig))]
public class Gateway
{
    private GatewayRig _rig = null!;

    [Params(1, 16, 64)]
    public int Clients { get; set; }

    [GlobalSetup]
    public async Task SetupAsync() => _rig = await GatewayRig.StartAsync();

    [GlobalCleanup]
    public async Task CleanupAsync() => await _rig.DisposeAsync();

    [Benchmark(Baseline = true, Description = "YARP proxy, one file")]
    public Task<long> Proxy() => _rig.DownloadAsync(new Uri(_rig.Proxy, "whole"), Clients);

    [Benchmark(Description = "formats gateway, zip of 16")]
    public Task<long> GatewayZip() => _rig.DownloadAsync(new Uri(_rig.Gateway, "archive"), Clients);
}
