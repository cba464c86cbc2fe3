namespace Formats.Cli.Tests;

/// <summary>An empty path-valued option is a wrong command line (exit 2) naming the option as typed, never an internal error.</summary>
public sealed class CliEmptyPathTests : CliTestBase
{
    [Theory]
    [InlineData("-o", "zip", "-o", "")]
    [InlineData("--output", "zip", "--output", "")]
    [InlineData("--output", "zip", "--output=")]
    [InlineData("-o", "tar", "-o", "")]
    [InlineData("-o", "size", "zip", "--method", "stored", "-o", "")]
    [InlineData("--crc-store", "zip", "--method", "stored", "--range", "0-10", "--crc-store", "")]
    [InlineData("--password-file", "zip", "--encrypt", "aes256", "--password-file", "")]
    public async Task Empty_path_option_of_an_archive_command_is_a_usage_error_naming_it(string named, params string[] args)
    {
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var (code, stdout, stderr, _) = await Run(null, [.. args, file]);
        Assert.True(code == 2, stderr);
        Assert.Equal($"formats: {named}: the path is empty ('')\n", stderr);
        Assert.Empty(stdout);
    }

    [Theory]
    [InlineData("--root", "serve", "--root", "")]
    [InlineData("--crc-store", "serve", "--crc-store", "")]
    [InlineData("--crc-store", "gateway", "--upstream", "http://127.0.0.1:9", "--crc-store", "")]
    public async Task Empty_path_option_of_a_server_is_a_usage_error_before_it_listens(string named, params string[] args)
    {
        var (code, _, stderr, _) = await Run(null, args);
        Assert.True(code == 2, stderr);
        Assert.Equal($"formats: {named}: the path is empty ('')\n", stderr);
    }
}
