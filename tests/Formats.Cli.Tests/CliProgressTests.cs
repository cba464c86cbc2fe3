namespace Formats.Cli.Tests;

/// <summary>The progress line: on a terminal only, never with --quiet, never on a pipe.</summary>
public sealed class CliProgressTests : CliTestBase
{
    private string TwoFiles()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Dir, "in")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.txt"), new byte[5000]);
        File.WriteAllBytes(Path.Combine(folder, "b.txt"), new byte[7000]);
        return folder;
    }

    [Fact]
    public async Task Terminal_gets_a_progress_line_ending_with_members_bytes_and_done()
    {
        var folder = TwoFiles();
        var (code, stdout, stderr, _) = await CliRunner.RunAsync(null, errorIsTerminal: true, "zip", folder);
        Assert.Equal(0, code);

        // The last redraw is the summary: members, the archive's size, the rate, the time.
        var last = stderr.Split('\r', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Matches(@"^[23] members, [0-9.]+ (B|KiB), [0-9.]+ (B|KiB|MiB|GiB)/s, [0-9.]+ s \(done\) *\n$", last);
        Assert.Contains(ProgressSize(stdout.Length), last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quiet_or_a_pipe_gets_no_progress()
    {
        var folder = TwoFiles();
        var quiet = await CliRunner.RunAsync(null, errorIsTerminal: true, "tar", "--quiet", folder);
        var piped = await CliRunner.RunAsync(null, errorIsTerminal: false, "zip", folder);
        Assert.Equal((0, ""), (quiet.Code, quiet.Stderr));
        Assert.Equal((0, ""), (piped.Code, piped.Stderr));
    }

    private static string ProgressSize(long bytes) => Formats.Cli.ProgressDisplay.Size(bytes);
}
