using System.Net;
using System.Text;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;

namespace Formats.AspNetCoreTests;

/// <summary>
/// `formats serve` when a picked path changes between the request's check and the member's open: a folder swapped for
/// a link out of the root, a file swapped for a FIFO. The member's open happens late by construction: a first member of
/// 64 MiB that the client does not read yet holds the archive back (the socket's buffers hold a few MiB), and the
/// swapped file comes after more members than read-ahead opens early.
/// </summary>
public sealed class ServeSwapTests : IAsyncDisposable
{
    private const string Secret = "TOP-SECRET";

    private readonly string _base = Directory.CreateTempSubdirectory("formats-serve-swap-").FullName;
    private readonly HttpClient _client = new();

    private string Root => Path.Combine(_base, "root");

    private string Outside => Path.Combine(_base, "outside");

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        Directory.Delete(_base, recursive: true);
        await Task.CompletedTask;
    }

    private async Task<WebApplication> StartAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        Directory.CreateDirectory(Outside);
        await using (var big = File.Create(Path.Combine(Root, "big.bin")))
        {
            big.SetLength(64L * 1024 * 1024);
        }

        for (var i = 0; i < 6; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(Root, $"s{i}.txt"), "small");
        }

        // The same length as the secret: a read through the swapped path would fit the declared length.
        await File.WriteAllTextAsync(Path.Combine(Root, "sub", "c.txt"), "0123456789");
        await File.WriteAllTextAsync(Path.Combine(Outside, "c.txt"), Secret);
        var app = ServeCommand.Build(Root, "http://127.0.0.1:0");
        await app.StartAsync();
        return app;
    }

    /// <summary>Asks for the archive, reads only its headers, runs <paramref name="swap"/>, then reads what comes.</summary>
    private async Task<(HttpStatusCode Status, byte[] Body, bool Complete)> DownloadSwappingAsync(WebApplication app, Func<Task> swap)
    {
        var files = string.Concat(new[] { "big.bin" }.Concat(Enumerable.Range(0, 6).Select(i => $"s{i}.txt")).Append("sub/c.txt").Select(f => "&file=" + Uri.EscapeDataString(f)));
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await _client.GetAsync(new Uri(app.Urls.First() + "/download?format=tar" + files), HttpCompletionOption.ResponseHeadersRead, bounded.Token);
        await swap();
        var body = new MemoryStream();
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(bounded.Token);
            await stream.CopyToAsync(body, bounded.Token);
            return (response.StatusCode, body.ToArray(), Complete: true);
        }
        catch (HttpRequestException)
        {
            return (response.StatusCode, body.ToArray(), Complete: false);
        }
        catch (IOException)
        {
            return (response.StatusCode, body.ToArray(), Complete: false);
        }
    }

    [Fact]
    public async Task A_folder_swapped_for_a_link_out_of_the_root_fails_the_archive_without_its_bytes()
    {
        await using var app = await StartAsync();
        var (status, body, complete) = await DownloadSwappingAsync(app, () =>
        {
            Directory.Move(Path.Combine(Root, "sub"), Path.Combine(Root, "sub-before"));
            Directory.CreateSymbolicLink(Path.Combine(Root, "sub"), Outside);
            return Task.CompletedTask;
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(complete, "the archive ended as if whole");
        Assert.True(body.Length > 1024 * 1024, $"{body.Length} bytes: the first member should have gone out");
        Assert.Equal(-1, body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Secret)));
    }

    [Fact]
    public async Task A_file_swapped_for_a_fifo_fails_the_archive_at_once_and_serve_still_stops()
    {
        var app = await StartAsync();
        try
        {
            var (_, body, complete) = await DownloadSwappingAsync(app, async () =>
            {
                var path = Path.Combine(Root, "sub", "c.txt");
                File.Delete(path);
                var made = await ExternalTool.RunAsync("mkfifo", [path]);
                Assert.True(made.ExitCode == 0, made.Stderr);
            });
            Assert.False(complete, "the archive ended as if whole");
            Assert.True(body.Length > 1024 * 1024, $"{body.Length} bytes");
        }
        finally
        {
            // A thread blocked in open(2) on the FIFO would hold the request, and stopping would wait for it.
            await app.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Opening_beneath_the_root_refuses_links_fifos_and_climbs_and_opens_regular_files(bool walk)
    {
        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        Directory.CreateDirectory(Outside);
        await File.WriteAllTextAsync(Path.Combine(Root, "sub", "c.txt"), "inside");
        await File.WriteAllTextAsync(Path.Combine(Outside, "c.txt"), Secret);
        Directory.CreateSymbolicLink(Path.Combine(Root, "out"), Outside);
        File.CreateSymbolicLink(Path.Combine(Root, "alias.txt"), Path.Combine(Root, "sub", "c.txt"));
        Assert.Equal(0, (await ExternalTool.RunAsync("mkfifo", [Path.Combine(Root, "pipe")])).ExitCode);

        using (var handle = BeneathRoot.OpenRegularFile(Root, "sub/c.txt", walk))
        using (var stream = new FileStream(handle, FileAccess.Read, 0))
        using (var reader = new StreamReader(stream))
        {
            Assert.Equal("inside", await reader.ReadToEndAsync());
        }

        foreach (var refused in new[] { "out/c.txt", "alias.txt", "pipe", "sub", "../outside/c.txt", "sub/missing.txt" })
        {
            var ex = Assert.Throws<IOException>(() => BeneathRoot.OpenRegularFile(Root, refused, walk).Dispose());
            Assert.Contains($"'{refused}'", ex.Message, StringComparison.Ordinal);
        }
    }
}
