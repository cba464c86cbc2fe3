namespace Formats.Cli.Tests;

public sealed class CliZipCommentTests : CliTestBase
{
    [Fact]
    public async Task Comment_option_writes_the_archive_comment()
    {
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var (code, zip, stderr, _) = await Run(null, "zip", "--comment", "built ✓", file);
        Assert.True(code == 0, stderr);
        Assert.Equal("built ✓", System.Text.Encoding.UTF8.GetString(ZipInspector.Inspect(zip).Comment));
    }

    [Fact]
    public async Task A_comment_holding_the_end_signature_fails_with_one_line_naming_the_rule()
    {
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var (code, zip, stderr, _) = await Run(null, "zip", "--comment", "PK\u0005\u0006", file);
        Assert.Equal(1, code);
        Assert.Empty(zip);
        Assert.Contains("end of central directory signature", stderr, StringComparison.Ordinal);
    }
}
