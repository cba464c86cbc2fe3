using Formats.Cli;

namespace Formats.Cli.Tests;

/// <summary><c>formats zip --encrypt aes256|zipcrypto --password-file FILE</c>: the password only ever comes from a file.</summary>
public sealed class CliEncryptionTests : CliTestBase
{
    private const string Password = "s3cret pass";

    private string Tree()
    {
        var docs = Path.Combine(Dir, "docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "a.txt"), string.Concat(Enumerable.Repeat("encrypted content ", 5000)));
        File.WriteAllText(Path.Combine(docs, "b.txt"), "bee");
        return docs;
    }

    private string PasswordFile(string content)
    {
        var path = Path.Combine(Dir, $"password-{Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(content))}");
        File.WriteAllText(path, content);
        return path;
    }

    [Theory]
    [InlineData("aes256", "deflate")]
    [InlineData("aes256", "stored")]
    [InlineData("zipcrypto", "deflate")]
    public async Task Encrypted_archive_is_read_by_7zip_with_the_first_line_of_the_password_file(string method, string compression)
    {
        var output = Path.Combine(Dir, "out.zip");
        var (code, _, stderr, _) = await Run(null, "zip", "--encrypt", method, "--password-file", PasswordFile(Password + "\r\nsecond line\n"), "--method", compression, Tree(), "-o", output);
        Assert.Equal(0, code);
        Assert.DoesNotContain(Password, stderr, StringComparison.Ordinal);
        Assert.Equal(method == "zipcrypto", stderr.Contains(ZipCommand.ZipCryptoWarning, StringComparison.Ordinal));

        var entries = ZipInspector.Inspect(File.ReadAllBytes(output)).Entries;
        Assert.All(entries.Where(e => !e.Name.EndsWith('/')), e => Assert.Equal(1, e.Central.GeneralPurposeBitFlag & 1));
        Assert.All(entries.Where(e => !e.Name.EndsWith('/')), e => Assert.Equal(method == "aes256" ? 99 : compression == "stored" ? 0 : 8, e.Central.CompressionMethod));
        var test = await ExternalTool.RunAsync("7zz", ["t", "-p" + Password, output]);
        Assert.True(test.ExitCode == 0, test.Text);
        var wrong = await ExternalTool.RunAsync("7zz", ["t", "-p" + "second line", output]);
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Fact]
    public async Task Encrypted_stdout_archive_is_read_by_7zip()
    {
        var (code, zip, _, _) = await Run(new MemoryStream("piped secret"u8.ToArray()), "zip", "--encrypt", "aes256", "--password-file", PasswordFile(Password), "--method", "stored", "-");
        Assert.Equal(0, code);
        var path = Path.Combine(Dir, "piped.zip");
        File.WriteAllBytes(path, zip);
        var test = await ExternalTool.RunAsync("7zz", ["t", "-p" + Password, path]);
        Assert.True(test.ExitCode == 0, test.Text);
    }

    [Theory]
    [InlineData("--password")]
    [InlineData("--password=" + Password)]
    [InlineData("--passphrase")]
    [InlineData("-P")]
    [InlineData("-p" + Password)]
    public async Task Password_on_the_command_line_is_refused_without_echoing_it(string option)
    {
        var (code, _, stderr, _) = await Run(null, "zip", "--encrypt", "aes256", option, Password, Tree(), "-o", Path.Combine(Dir, "out.zip"));
        Assert.Equal(2, code);
        Assert.Contains("never taken on the command line", stderr, StringComparison.Ordinal);
        Assert.Contains("--password-file", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dir, "out.zip")));
    }

    [Fact]
    public async Task Encrypt_and_password_file_each_need_the_other_and_a_usable_password()
    {
        var tree = Tree();
        var cases = new (string[] Args, string Expected)[]
        {
            (["--encrypt", "aes256"], "--encrypt needs --password-file"),
            (["--password-file", PasswordFile(Password)], "--password-file needs --encrypt"),
            (["--encrypt", "aes128", "--password-file", PasswordFile(Password)], "--encrypt: 'aes128' is not aes256 or zipcrypto"),
            (["--encrypt", "aes256", "--password-file", Path.Combine(Dir, "missing")], "--password-file: cannot read"),
            (["--encrypt", "aes256", "--password-file", PasswordFile("\nsecond")], "--password-file:"),
            (["--encrypt", "zipcrypto", "--password-file", PasswordFile("pässword")], "printable ASCII"),
        };
        foreach (var (args, expected) in cases)
        {
            var (code, _, stderr, _) = await Run(null, ["zip", .. args, tree, "-o", Path.Combine(Dir, "out.zip")]);
            Assert.True(code == 2, string.Join(' ', args) + ": " + stderr);
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("pässword", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Size_and_range_refuse_an_encrypted_archive_and_say_why()
    {
        var tree = Tree();
        var file = PasswordFile(Password);
        var size = await Run(null, "size", "zip", "--method", "stored", "--encrypt", "aes256", "--password-file", file, tree);
        Assert.Equal(1, size.Code);
        Assert.Contains("random salt", size.Stderr, StringComparison.Ordinal);
        var range = await Run(null, "zip", "--method", "stored", "--encrypt", "aes256", "--password-file", file, "--range", "0-10", tree);
        Assert.Equal(1, range.Code);
        Assert.Contains("random salt", range.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_documents_the_options_and_the_readers()
    {
        var (code, _, _, help) = await Run(null, "zip", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--encrypt METHOD", help, StringComparison.Ordinal);
        Assert.Contains("--password-file FILE", help, StringComparison.Ordinal);
        Assert.Contains("not by Windows Explorer", help, StringComparison.Ordinal);
        Assert.Contains("WEAK", help, StringComparison.Ordinal);
        Assert.Contains("lets about 1 wrong password in 256 through", help, StringComparison.Ordinal);
        Assert.Contains("lets about 1 wrong password in 256 through", ZipCommand.ZipCryptoWarning, StringComparison.Ordinal);
    }
}
