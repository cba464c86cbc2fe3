namespace Formats.Cli.Tests;

/// <summary>
/// <c>--password-file</c> in the real <c>formats</c> process: standard input that is both the password and a SOURCE,
/// bytes that are not UTF-8, and a file without end. Every run is bounded by ExternalTool's timeout.
/// </summary>
public sealed class CliPasswordFileTests : CliTestBase
{
    private static readonly string Formats = Path.Combine(AppContext.BaseDirectory, "formats");

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Theory]
    [InlineData("-")]
    [InlineData("/dev/stdin")]
    [InlineData("/dev/fd/0")]
    [InlineData("/proc/self/fd/0")]
    [InlineData("link-to-stdin")]
    public async Task Password_file_that_is_standard_input_while_standard_input_is_a_source_is_a_usage_error(string passwordFile)
    {
        if (passwordFile == "link-to-stdin")
        {
            // Not one of the names: recognised as descriptor 0's file by device and inode.
            passwordFile = Path.Combine(Dir, passwordFile);
            File.CreateSymbolicLink(passwordFile, "/proc/self/fd/0");
        }

        var input = Write("input", "pw\ndata\n"u8.ToArray());
        var output = Path.Combine(Dir, "d.zip");
        var run = await ExternalTool.RunAsync(Formats, ["zip", "--encrypt", "aes256", "--password-file", passwordFile, "-", "-o", output], stdinFile: input, timeoutSeconds: 120);
        Assert.True(run.ExitCode == 2, run.Stderr);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains($"--password-file: '{passwordFile}' is standard input, which is also a SOURCE", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Password_file_that_is_the_file_standard_input_reads_from_is_a_usage_error()
    {
        // Standard input redirected from the password file itself: the same device and inode, under its own name.
        var both = Write("pw-and-data", "pw\ndata\n"u8.ToArray());
        var output = Path.Combine(Dir, "d.zip");
        var run = await ExternalTool.RunAsync("/bin/sh", ["-c", "exec \"$0\" zip --encrypt aes256 --password-file \"$1\" - -o \"$2\" < \"$1\"", Formats, both, output], timeoutSeconds: 120);
        Assert.True(run.ExitCode == 2, run.Stderr);
        Assert.Contains("is standard input, which is also a SOURCE", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Password_from_standard_input_encrypts_file_sources_when_standard_input_is_no_source()
    {
        var file = Write("a.txt", "some content\n"u8.ToArray());
        var output = Path.Combine(Dir, "a.zip");
        var run = await ExternalTool.RunAsync(Formats, ["zip", "--encrypt", "zipcrypto", "--password-file", "-", file, "-o", output], stdinFile: Write("pw", "s3cret\nnot the password\n"u8.ToArray()), timeoutSeconds: 120);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var extract = await ExternalTool.RunAsync("unzip", ["-p", "-P", "s3cret", output]);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        Assert.Equal("some content\n", extract.Text);
        var wrong = await ExternalTool.RunAsync("unzip", ["-p", "-P", "not the password", output]);
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'p', 0xE9, (byte)'\n' })]
    [InlineData(new byte[] { (byte)'p', 0xE8, (byte)'\n' })]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'p', 0 })]
    public async Task Password_file_that_is_not_utf8_is_refused_naming_the_option(byte[] content)
    {
        var output = Path.Combine(Dir, "out.zip");
        var run = await ExternalTool.RunAsync(Formats, ["zip", "--encrypt", "aes256", "--password-file", Write("pw", content), Write("a.txt", "a"u8.ToArray()), "-o", output], timeoutSeconds: 120);
        Assert.True(run.ExitCode == 2, run.Stderr);
        Assert.Contains("--password-file:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("is not UTF-8", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Password_file_without_end_fails_at_the_cap_and_says_so()
    {
        // /dev/zero has no line end: the reader stops one byte past the cap (the bounded run fails if it reads on).
        var output = Path.Combine(Dir, "out.zip");
        var run = await ExternalTool.RunAsync(Formats, ["zip", "--encrypt", "aes256", "--password-file", "/dev/zero", Write("a.txt", "a"u8.ToArray()), "-o", output], timeoutSeconds: 120);
        Assert.True(run.ExitCode == 2, run.Stderr);
        Assert.Contains($"--password-file: the first line of '/dev/zero' is longer than {PasswordFile.MaxBytes} bytes", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Password_of_the_cap_s_length_is_taken()
    {
        var password = new string('x', PasswordFile.MaxBytes);
        var file = Write("a.txt", "a"u8.ToArray());
        var output = Path.Combine(Dir, "out.zip");
        var run = await ExternalTool.RunAsync(Formats, ["zip", "--encrypt", "aes256", "--password-file", Write("pw", System.Text.Encoding.ASCII.GetBytes(password + "\n")), file, "-o", output], timeoutSeconds: 120);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(output));
    }
}
