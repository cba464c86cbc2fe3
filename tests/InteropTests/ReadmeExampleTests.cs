using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Formats.InteropTests;

/// <summary>
/// The README's C# examples, taken from README.md itself, built as a fresh console app against the libraries and run
/// in a folder of their own: a change to the API that breaks an example, or an example that stops working, fails here.
/// </summary>
public sealed partial class ReadmeExampleTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("formats-readme-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Fact]
    public async Task Readme_library_example_builds_and_writes_the_archive_it_describes()
    {
        var root = Repository.Root;
        var readme = (await File.ReadAllTextAsync(Path.Combine(root, "README.md"))).ReplaceLineEndings("\n");
        var example = Assert.Single(CSharpBlock().Matches(readme)).Groups[1].Value;

        var app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), example);
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), Repository.ConsoleAppProject(
            $"""<ProjectReference Include="{Path.Combine(root, "src", "Formats.Zip", "Formats.Zip.csproj")}" />""",
            $"""<ProjectReference Include="{Path.Combine(root, "src", "Formats.Tar", "Formats.Tar.csproj")}" />"""));

        // Its own artifacts folder, so this build leaves the test run's bin and obj alone.
        var artifacts = Path.Combine(_work, "artifacts");
        var build = await ExternalTool.RunAsync("dotnet", ["build", Path.Combine(app, "app.csproj"), "--artifacts-path", artifacts, "-nologo", "-v", "quiet"], timeoutSeconds: 300, environment: Repository.QuietDotnet());
        Assert.True(build.ExitCode == 0, build.Text + build.Stderr);

        // The folder the example reads, as a user would have it.
        var run = Directory.CreateDirectory(Path.Combine(_work, "run")).FullName;
        Directory.CreateDirectory(Path.Combine(run, "photos"));
        await File.WriteAllBytesAsync(Path.Combine(run, "photos", "a.jpg"), SyntheticStream.Bytes(70_000));
        await File.WriteAllBytesAsync(Path.Combine(run, "photos", "b.jpg"), SyntheticStream.Bytes(10, seed: 9));
        var dll = Directory.GetFiles(artifacts, "app.dll", SearchOption.AllDirectories).Single(p => p.Contains("/bin/", StringComparison.Ordinal));
        var result = await ExternalTool.RunAsync("dotnet", [dll], timeoutSeconds: 120, workingDirectory: run, environment: Repository.QuietDotnet());
        Assert.True(result.ExitCode == 0, result.Text + result.Stderr);

        using var zip = ZipFile.OpenRead(Path.Combine(run, "photos.zip"));
        Assert.Equal(["photos/a.jpg", "photos/b.jpg", "log.txt"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).OrderBy(n => n == "log.txt"));
        using var log = new StreamReader(zip.GetEntry("log.txt")!.Open());
        Assert.Equal("done\n", await log.ReadToEndAsync());
        using var photo = zip.GetEntry("photos/a.jpg")!.Open();
        var copy = new MemoryStream();
        await photo.CopyToAsync(copy);
        Assert.Equal(SyntheticStream.Bytes(70_000), copy.ToArray());
    }
}
