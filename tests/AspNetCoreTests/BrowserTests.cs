using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Formats.AspNetCoreTests;

/// <summary>A person's path through `formats serve`: open the page in headless Chromium, pick files, download the ZIP.</summary>
public sealed class BrowserTests
{
    [Fact]
    public async Task Page_in_chromium_downloads_the_picked_files_as_a_zip_that_unzip_accepts()
    {
        var chromium = ExternalTool.Require("chromium");
        var root = Directory.CreateTempSubdirectory("formats-browser-root-").FullName;
        var downloads = Directory.CreateTempSubdirectory("formats-browser-downloads-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "keep-1.bin"), SyntheticStream.Bytes(200_000, 1, compressible: false));
            await File.WriteAllTextAsync(Path.Combine(root, "keep-2.txt"), "second");
            await File.WriteAllTextAsync(Path.Combine(root, "skip.txt"), "not picked");
            await using var app = ServeCommand.Build(root, "http://127.0.0.1:0");
            await app.StartAsync();

            await using var browser = await Cdp.LaunchAsync(chromium);
            await browser.SendAsync("Browser.setDownloadBehavior", new { behavior = "allow", downloadPath = downloads, eventsEnabled = true });
            var target = await browser.SendAsync("Target.createTarget", new { url = app.Urls.First() + "/" });
            var session = (await browser.SendAsync("Target.attachToTarget", new { targetId = target["targetId"]!.GetValue<string>(), flatten = true }))["sessionId"]!.GetValue<string>();
            await browser.SendAsync("Runtime.enable", sessionId: session);

            // Wait for the page, untick one file, press "Download as ZIP".
            JsonObject ready;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            do
            {
                await Task.Delay(100);
                ready = await browser.SendAsync("Runtime.evaluate", new { expression = "document.readyState === 'complete' && !!document.getElementById('zip')", returnByValue = true }, session);
            }
            while (ready["result"]!["value"]?.GetValue<bool>() != true && DateTime.UtcNow < deadline);

            await browser.SendAsync("Runtime.evaluate", new
            {
                expression = "document.querySelector('input[value=\"skip.txt\"]').checked = false; document.getElementById('zip').click(); true",
                returnByValue = true,
            }, session);
            var done = await browser.WaitForEventAsync("Browser.downloadProgress", p => p["state"]?.GetValue<string>() is "completed" or "canceled", TimeSpan.FromSeconds(60));
            Assert.Equal("completed", done["params"]!["state"]!.GetValue<string>());

            var saved = Assert.Single(Directory.GetFiles(downloads));
            Assert.EndsWith(".zip", saved, StringComparison.Ordinal);
            var test = await ExternalTool.RunAsync("unzip", ["-t", saved]);
            Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
            Assert.Contains("No errors detected", test.Text, StringComparison.Ordinal);
            var list = await ExternalTool.RunAsync("unzip", ["-Z1", saved]);
            Assert.Equal(["keep-1.bin", "keep-2.txt"], list.Lines);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(downloads, recursive: true);
        }
    }

    [Fact]
    public async Task A_download_cut_by_the_network_and_resumed_from_chromiums_downloads_page_equals_an_uninterrupted_one()
    {
        var chromium = ExternalTool.Require("chromium");
        var root = Directory.CreateTempSubdirectory("formats-browser-root-").FullName;
        var downloads = Directory.CreateTempSubdirectory("formats-browser-downloads-").FullName;
        try
        {
            for (var i = 0; i < 6; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(root, $"part-{i}.bin"), SyntheticStream.Bytes(1_000_000, i, compressible: false));
            }

            // The first download's connection is dropped after 2.5 MB, as a network failure would: Chromium keeps the
            // bytes it has written and, resumed, asks for the rest with Range and If-Range.
            // Chromium resumes some interruptions on its own (a connection closed before Content-Length is one). Until
            // the test presses "Resume", such automatic retries get a 503, so the download ends interrupted whichever
            // way the cut reached Chromium, and the one resume that completes it is the page's.
            var requests = new ConcurrentQueue<(string? Range, string? IfRange)>();
            var cut = 1; // armed after the test's own uninterrupted download
            var refuse = 0; // set by the cut, cleared when the test presses "Resume"
            await using var app = ServeCommand.Build(root, "http://127.0.0.1:0", new ServeOptions { CrcStore = new MemoryCrcStore() });
            app.Use(async (context, next) =>
            {
                if (context.Request.Path == "/download")
                {
                    requests.Enqueue((context.Request.Headers.Range.ToString() is { Length: > 0 } r ? r : null, context.Request.Headers.IfRange.ToString() is { Length: > 0 } i ? i : null));
                    if (Volatile.Read(ref refuse) == 1)
                    {
                        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                        return;
                    }

                    if (Interlocked.Exchange(ref cut, 1) == 0)
                    {
                        Volatile.Write(ref refuse, 1);
                        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
                        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(new CuttingStream(body.Stream, 2_500_000, context.Abort)));
                    }
                }

                await next(context);
            });
            await app.StartAsync();
            var url = app.Urls.First() + "/download?format=zip&" + string.Join("&", Enumerable.Range(0, 6).Select(i => $"file=part-{i}.bin"));
            using var client = new HttpClient();
            var uninterrupted = await GetWholeAsync(client, url);
            Volatile.Write(ref cut, 0);

            await using var browser = await Cdp.LaunchAsync(chromium);
            await browser.SendAsync("Browser.setDownloadBehavior", new { behavior = "allow", downloadPath = downloads, eventsEnabled = true });
            var target = await browser.SendAsync("Target.createTarget", new { url = "about:blank" });
            var session = (await browser.SendAsync("Target.attachToTarget", new { targetId = target["targetId"]!.GetValue<string>(), flatten = true }))["sessionId"]!.GetValue<string>();
            await browser.SendAsync("Page.enable", sessionId: session);
            await browser.SendAsync("Page.navigate", new { url }, session);

            // The cut shows as "canceled" (CDP's word for interrupted too). Chromium's downloads page resumes it, as a
            // person pressing "Resume" would: with Range and If-Range for the bytes it does not have.
            await browser.WaitForEventAsync("Browser.downloadProgress", p => p["state"]?.GetValue<string>() == "canceled", TimeSpan.FromSeconds(60));
            var page = await browser.SendAsync("Target.createTarget", new { url = "chrome://downloads" });
            var pageSession = (await browser.SendAsync("Target.attachToTarget", new { targetId = page["targetId"]!.GetValue<string>(), flatten = true }))["sessionId"]!.GetValue<string>();
            await browser.SendAsync("Runtime.enable", sessionId: pageSession);
            // The page's own "Resume" button, in the item's shadow tree (the page is built of web components).
            const string Resume = """
                (() => {
                  const manager = document.querySelector('downloads-manager');
                  const items = manager ? [...manager.shadowRoot.querySelectorAll('downloads-item')] : [];
                  const buttons = items.flatMap(i => [...i.shadowRoot.querySelectorAll('cr-button, button')]);
                  const resume = buttons.find(b => (b.textContent || '').trim().toLowerCase() === 'resume');
                  if (!resume) return 'no resume button among: ' + buttons.map(b => (b.id || '?') + '=' + (b.textContent || '').trim()).join(', ');
                  resume.click();
                  return 'resumed';
                })()
                """;
            var outcome = "";
            Volatile.Write(ref refuse, 0);
            for (var attempt = 0; attempt < 50 && !outcome.StartsWith("resumed", StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(200);
                var result = await browser.SendAsync("Runtime.evaluate", new { expression = Resume, returnByValue = true }, pageSession);
                outcome = result["result"]?["value"]?.ToString() ?? result.ToJsonString();
            }

            Assert.True(outcome.StartsWith("resumed", StringComparison.Ordinal), $"the downloads page said: {outcome}");
            // Done when the file has its final name and length (the resumed download's progress is reported to the
            // downloads page, not always as CDP events); bounded to 60 s.
            string? saved = null;
            for (var wait = 0; wait < 300 && saved is null; wait++)
            {
                await Task.Delay(200);
                saved = Directory.GetFiles(downloads).FirstOrDefault(f => f.EndsWith(".zip", StringComparison.Ordinal) && new FileInfo(f).Length == uninterrupted.Length);
            }

            Assert.True(saved is not null, $"no complete download after '{outcome}'; requests: {string.Join("; ", requests)}; files: {string.Join(", ", Directory.GetFiles(downloads).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}"))}");

            Assert.Equal(uninterrupted, await File.ReadAllBytesAsync(saved!));
            // The test's own download, Chromium's first, any automatic retries refused with 503, then the page's resume.
            var resumed = requests.Skip(2).ToList();
            Assert.NotEmpty(resumed);
            Assert.All(resumed, r => Assert.StartsWith("bytes=", r.Range, StringComparison.Ordinal));
            Assert.All(resumed, r => Assert.NotNull(r.IfRange));
            var test = await ExternalTool.RunAsync("unzip", ["-t", saved!]);
            Assert.True(test.ExitCode == 0, test.Text + test.Stderr);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(downloads, recursive: true);
        }
    }

    private static async Task<byte[]> GetWholeAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Passes <c>limit</c> bytes through, then aborts the connection: a transfer cut by the network.</summary>
    private sealed class CuttingStream(Stream inner, long limit, Action abort) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var room = (int)Math.Min(buffer.Length, limit - _written);
            if (room > 0)
            {
                await inner.WriteAsync(buffer[..room], cancellationToken);
                await inner.FlushAsync(cancellationToken);
                _written += room;
            }

            if (_written >= limit)
            {
                abort();
                throw new OperationCanceledException("cut by the test");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
