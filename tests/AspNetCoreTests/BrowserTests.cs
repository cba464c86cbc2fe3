using System.Text.Json.Nodes;
using Formats.Cli;

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
}
