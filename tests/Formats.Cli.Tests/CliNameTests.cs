namespace Formats.Cli.Tests;

/// <summary>Names that collide where they are extracted, through the command line.</summary>
public sealed class CliNameTests : CliTestBase
{
    [Theory]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task Folder_with_names_differing_only_in_case_fails_naming_the_rule_unless_allowed(string format)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Dir, "photos")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "Photo.jpg"), "upper", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "photo.jpg"), "lower", TestContext.Current.CancellationToken);
        var output = Path.Combine(Dir, "out." + format);

        var refused = await Run(null, format, "--quiet", folder, "-o", output);
        Assert.Equal(1, refused.Code);
        Assert.Contains("Collision", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));

        var allowed = await Run(null, format, "--quiet", "--allow-colliding-names", folder, "-o", output);
        Assert.True(allowed.Code == 0, allowed.Stderr);
        Assert.True(File.Exists(output));
    }

    [Theory]
    [InlineData("a.txt", "a.txt.")]
    [InlineData("a.txt", "a.txt ")]
    [InlineData("\u03bb\u03cc\u03b3\u03bf\u03c2", "\u03bb\u03cc\u03b3\u03bf\u03c3")]
    public async Task Zip_of_names_differing_only_in_final_sigma_or_a_trailing_dot_or_space_fails_naming_the_rule_unless_allowed(string first, string second)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Dir, "names")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, first), "first", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, second), "second", TestContext.Current.CancellationToken);
        var output = Path.Combine(Dir, "out.zip");

        var refused = await Run(null, "zip", "--quiet", folder, "-o", output);
        Assert.Equal(1, refused.Code);
        Assert.Contains("Collision", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        var allowed = await Run(null, "zip", "--quiet", "--allow-colliding-names", folder, "-o", output);
        Assert.True(allowed.Code == 0, allowed.Stderr);
    }
}
