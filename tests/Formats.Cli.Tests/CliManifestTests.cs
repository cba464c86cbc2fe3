namespace Formats.Cli.Tests;

/// <summary>Manifests (@FILE) on the command line: a broken one is one line naming the manifest and its line, exit 1.</summary>
public sealed class CliManifestTests : CliTestBase
{
    [Theory]
    [InlineData("# entries\n\ngarbage line\n", 3)]
    [InlineData("{\"name\": \"ok\", \"url\": \"http://127.0.0.1:9/ok\"}\n{bad json\n", 2)]
    [InlineData("{\"name\": \"x\", \"path\": 5}\n", 1)]
    [InlineData("{\"name\": \"a\\ud800b\", \"url\": \"http://127.0.0.1:9/a\"}\n", 1)]
    [InlineData("{\"name\": \"ok\", \"url\": \"http://127.0.0.1:9/ok\"}\n{\"name\": \"\\udc00\", \"url\": \"http://127.0.0.1:9/b\"}\n", 2)]
    public async Task Malformed_manifest_is_one_line_naming_the_manifest_line_and_exits_1(string manifest, int line)
    {
        var path = Path.Combine(Dir, "list.txt");
        File.WriteAllText(path, manifest);
        foreach (var command in new[] { "zip", "tar" })
        {
            var (code, stdout, stderr, _) = await Run(null, command, "@" + path);
            Assert.Equal(1, code);
            Assert.Empty(stdout);
            Assert.StartsWith("formats: ", stderr, StringComparison.Ordinal);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.Contains($"manifest '{path}' line {line}", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Missing_manifest_is_one_line_naming_it()
    {
        var path = Path.Combine(Dir, "missing.txt");
        var (code, _, stderr, _) = await Run(null, "zip", "@" + path);
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains($"manifest '{path}'", stderr, StringComparison.Ordinal);
    }
}
