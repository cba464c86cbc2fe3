namespace Formats.Cli.Tests;

/// <summary>`formats gateway`'s command line: what it needs and what it refuses, before anything listens.</summary>
public sealed class CliGatewayTests : CliTestBase
{
    [Fact]
    public async Task Help_names_every_option_and_the_protocol()
    {
        var (code, _, _, output) = await Run(null, "gateway", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--upstream", "--urls", "--allow-origin", "--prefix", "--max-manifest-bytes", "--max-members", "--max-archives", "--member-timeout", "--min-rate", "--rate-window", "--max-manifest-bytes-in-flight", "--read-ahead-connections", "--read-ahead-bytes", "--client-min-rate", "--client-rate-window", "--max-member-bytes", "--member-secret-file", "--read-ahead-depth", "--read-ahead-buffer", "--member-resumes", "X-Archive-Files" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("gateway needs --upstream URL")]
    [InlineData("--upstream: 'ftp://example.com' is not an http(s) URL", "--upstream", "ftp://example.com")]
    [InlineData("--upstream: 'http://user:pw@127.0.0.1:8000' is not an http(s) URL", "--upstream", "http://user:pw@127.0.0.1:8000")]
    [InlineData("--prefix: 'ops' is not a path", "--upstream", "http://127.0.0.1:8000", "--prefix", "ops")]
    [InlineData("--allow-origin: 'https://a.example/path' is not an origin", "--upstream", "http://127.0.0.1:8000", "--allow-origin", "https://a.example/path")]
    [InlineData("--max-archives", "--upstream", "http://127.0.0.1:8000", "--max-archives", "0")]
    [InlineData("--read-ahead-connections", "--upstream", "http://127.0.0.1:8000", "--read-ahead-connections", "-1")]
    [InlineData("--max-manifest-bytes-in-flight", "--upstream", "http://127.0.0.1:8000", "--max-manifest-bytes-in-flight", "x")]
    [InlineData("--client-min-rate", "--upstream", "http://127.0.0.1:8000", "--client-min-rate", "-1")]
    [InlineData("--client-rate-window", "--upstream", "http://127.0.0.1:8000", "--client-rate-window", "0")]
    [InlineData("gateway takes no SOURCE", "--upstream", "http://127.0.0.1:8000", "file.txt")]
    [InlineData("--read-ahead-depth", "--upstream", "http://127.0.0.1:8000", "--read-ahead-depth", "-1")]
    [InlineData("--read-ahead-buffer", "--upstream", "http://127.0.0.1:8000", "--read-ahead-buffer", "0")]
    [InlineData("--member-resumes", "--upstream", "http://127.0.0.1:8000", "--member-resumes", "x")]
    [InlineData("--member-secret: a secret on the command line is visible", "--upstream", "http://127.0.0.1:8000", "--member-secret", "0123456789abcdef0123456789abcdef")]
    [InlineData("--member-secret: a secret on the command line is visible", "--upstream", "http://127.0.0.1:8000", "--member-secret=0123456789abcdef0123456789abcdef")]
    [InlineData("--member-secret-file: the path is empty", "--upstream", "http://127.0.0.1:8000", "--member-secret-file", "")]
    public async Task A_wrong_command_line_exits_2_naming_the_option(string message, params string[] args)
    {
        var (code, _, stderr, _) = await Run(null, ["gateway", .. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_list_names_the_gateway()
    {
        var (_, _, _, output) = await Run(null, "--help");
        Assert.Contains("gateway", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("short\n", 5)]
    [InlineData("0123456789abcdef0123456789abcde\r\n", 31)]
    public async Task A_member_secret_file_with_fewer_than_32_bytes_exits_2_naming_the_option(string content, int length)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        try
        {
            var (code, _, stderr, _) = await Run(null, "gateway", "--upstream", "http://127.0.0.1:8000", "--member-secret-file", file);
            Assert.Equal(2, code);
            Assert.Contains($"--member-secret-file: '{file}' holds {length} bytes; the secret needs at least 32", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
