using System.CommandLine;

namespace Formats.Cli.Tests;

/// <summary>
/// The command line as declared: each command takes only its own options, a value out of bounds is refused naming the
/// option and the bounds, the help lists every declared option, and the shell completion answers from the same
/// declarations.
/// </summary>
public sealed class CliCommandLineTests : CliTestBase
{
    [Theory]
    [InlineData("--quiet", "gateway", "--upstream", "http://127.0.0.1:9", "--quiet")]
    [InlineData("-q", "gateway", "--upstream", "http://127.0.0.1:9", "-q")]
    [InlineData("--method", "serve", "--method", "stored")]
    [InlineData("--compress", "zip", "--compress", "gzip", "x")]
    [InlineData("--sparse", "size", "zip", "--sparse", "x")]
    [InlineData("--upstream", "tar", "--upstream", "http://127.0.0.1:9", "x")]
    [InlineData("--crc-store", "tar", "--crc-store", "memory", "x")]
    public async Task An_option_of_another_command_is_refused_with_exit_2_naming_it(string option, params string[] args)
    {
        var (code, stdout, stderr, _) = await Run(null, args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("formats: ", line, StringComparison.Ordinal);
        Assert.Contains($"unknown option '{option}'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--threads: '0' is not a whole number from 1 to 256", "zip", "--threads", "0", "x")]
    [InlineData("--threads: '257' is not a whole number from 1 to 256", "zip", "--threads=257", "x")]
    [InlineData("--stdin-length: '-3' is not a whole number from 0 to 9223372036854775807", "tar", "--stdin-length", "-3", "-")]
    [InlineData("--read-ahead-buffer: '100' is not a whole number from 4096 to 1073741824", "gateway", "--upstream", "http://127.0.0.1:9", "--read-ahead-buffer", "100")]
    [InlineData("--member-resumes: '101' is not a whole number from 0 to 100", "gateway", "--upstream", "http://127.0.0.1:9", "--member-resumes", "101")]
    [InlineData("--rate-window: '86401' is not a whole number from 1 to 86400", "serve", "--rate-window", "86401")]
    [InlineData("--level: '10' is not fastest, optimal, smallest or 0-9", "zip", "--level", "10", "x")]
    [InlineData("--compress: 'bzip2' is not none, gzip or zstd", "size", "tar", "--compress", "bzip2", "x")]
    public async Task A_value_out_of_bounds_is_refused_naming_the_option_and_its_bounds(string message, params string[] args)
    {
        var (code, stdout, stderr, _) = await Run(null, args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"formats: {message}\n", stderr);
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    [InlineData("size", "zip")]
    [InlineData("size", "tar")]
    [InlineData("serve")]
    [InlineData("gateway")]
    public async Task Help_lists_every_declared_option_of_the_command_and_no_hidden_one(params string[] path)
    {
        var (code, _, _, help) = await Run(null, [.. path, "--help"]);
        Assert.Equal(0, code);
        Command command = CliApp.Root(new StandardStreams(() => Stream.Null, () => Stream.Null, TextWriter.Null, TextWriter.Null));
        foreach (var name in path)
        {
            command = command.Subcommands.Single(c => c.Name == name);
        }

        Assert.NotEmpty(command.Options);
        foreach (var option in command.Options)
        {
            // The label as declared ("-o, --output PATH"), its description beside it or under it (a long label), wrapped.
            var label = "\n  " + CliHelp.Label(option);
            var listed = help.Contains(label + " ", StringComparison.Ordinal) || help.Contains(label + "\n", StringComparison.Ordinal);
            Assert.True(listed != option.Hidden, $"{label.Trim()} is {(option.Hidden ? "hidden but listed" : "not listed")}");
            if (option.Hidden)
            {
                continue;
            }

            Assert.Contains(option.Description!.Split(' ')[0], help, StringComparison.Ordinal);
        }

        Assert.Contains("  -h, --help", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_of_a_command_names_defaults_from_the_declarations()
    {
        var (_, _, _, help) = await Run(null, "gateway", "--help");
        Assert.Contains($"(default {new Formats.AspNetCore.ArchiveResponseOptions().MaxConcurrentArchives})", help, StringComparison.Ordinal);
        Assert.Contains("deflate (default), auto, stored or zstd", (await Run(null, "zip", "--help")).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("formats zip --me", "--method")]
    [InlineData("formats tar --compress ", "gzip")]
    [InlineData("formats gateway --member-r", "--member-resumes")]
    [InlineData("formats s", "serve")]
    public async Task Shell_completion_suggests_from_the_declarations(string line, string expected)
    {
        var (code, _, _, output) = await Run(null, $"[suggest:{line.Length}]", line);
        Assert.Equal(0, code);
        var words = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(expected, words);
        Assert.DoesNotContain("--quiet", line.StartsWith("formats gateway", StringComparison.Ordinal) ? words : []);
    }

    [Fact]
    public async Task The_last_value_of_an_option_given_twice_counts_and_a_flag_may_repeat()
    {
        var (code, zip, stderr, _) = await Run(new MemoryStream("piped"u8.ToArray()), "zip", "-q", "--stdin-name", "first.txt", "--quiet", "--stdin-name=second.txt", "-");
        Assert.True(code == 0, stderr);
        Assert.Equal(["second.txt"], ZipInspector.Inspect(zip).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task A_manifest_named_with_at_is_a_source_not_a_response_file()
    {
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var manifest = Path.Combine(Dir, "list.txt");
        File.WriteAllText(manifest, $"{{\"name\": \"from-manifest.txt\", \"path\": \"{file}\"}}\n");
        var (code, zip, stderr, _) = await Run(null, "zip", "--quiet", "@" + manifest);
        Assert.True(code == 0, stderr);
        Assert.Equal(["from-manifest.txt"], ZipInspector.Inspect(zip).Entries.Select(e => e.Name));
    }
}
