using System.IO.Compression;
using System.Xml.Linq;

namespace Formats.InteropTests;

/// <summary>
/// What a new user meets after <c>dotnet add package</c> and <c>dotnet tool install</c>: the packages are packed into a
/// folder, a fresh console app outside this repository references them from there, writes a zip and a tar.gz, and reads
/// them back with the .NET readers; the tool is installed from the same folder and run.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly string[] Packed = ["Formats.Abstractions", "Formats.Zip", "Formats.Tar", "Formats.Http", "Formats.AspNetCore", "Formats.Cli"];

    // A version no feed has, so the app can only restore our packages from the local folder.
    private readonly string _version = $"0.1.0-embed.{DateTime.UtcNow:yyyyMMddHHmmss}";
    private readonly string _work = Directory.CreateTempSubdirectory("formats-embed-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Packages => Path.Combine(_work, "packages");

    [Fact]
    public async Task Packed_libraries_work_in_a_fresh_app_and_the_tool_installs_and_runs()
    {
        var root = Repository.Root;
        foreach (var project in Packed)
        {
            // Its own artifacts folder, so packing leaves the test run's bin and obj alone.
            await DotnetAsync(root, "pack", Path.Combine(root, "src", project, project + ".csproj"), "-c", "Release", "-o", Packages,
                "--artifacts-path", Path.Combine(_work, "artifacts"), $"-p:Version={_version}");
        }

        // The tool's NativeAOT package for this platform, as a release packs it (the plain pack made the pointer
        // package, the framework-dependent 'any' fallback and a JIT linux-x64 package, which this replaces).
        await DotnetAsync(root, "pack", Path.Combine(root, "src", "Formats.Cli", "Formats.Cli.csproj"), "-c", "Release", "-o", Packages,
            "--artifacts-path", Path.Combine(_work, "artifacts"), $"-p:Version={_version}", "-r", "linux-x64", "-p:PublishAot=true");
        CheckPackages();
        foreach (var part in new[] { "Formats.Cli", "Formats.Cli.any", "Formats.Cli.linux-x64" })
        {
            Assert.True(File.Exists(Path.Combine(Packages, $"{part}.{_version}.nupkg")), $"{part} is packed");
        }

        var app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), Repository.ConsoleAppProject(
            $"""<PackageReference Include="Formats.Zip" Version="{_version}" />""",
            $"""<PackageReference Include="Formats.Tar" Version="{_version}" />"""));
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="formats-local" value="{Packages}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), AppSource);
        var run = await DotnetAsync(app, "run");
        Assert.Contains("zip: a.txt b.bin c/ | tar: a.txt b.bin c/", run, StringComparison.Ordinal);

        var tools = Path.Combine(_work, "tools");
        await DotnetAsync(_work, "tool", "install", "Formats.Cli", "--tool-path", tools, "--add-source", Packages, "--version", _version);
        var input = Path.Combine(_work, "hello.txt");
        await File.WriteAllTextAsync(input, "hello from the tool\n");
        var zipPath = Path.Combine(_work, "hello.zip");
        await RunAsync(Path.Combine(tools, "formats"), _work, "zip", input, "-o", zipPath);

        // On linux-x64 the installed command is the native executable: no managed entry assembly beside it.
        var installed = new FileInfo(Path.Combine(tools, "formats")).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.Combine(tools, "formats");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(installed)!, "formats.dll")), $"{installed} is the NativeAOT build");
        using var zip = ZipFile.OpenRead(zipPath);
        using var reader = new StreamReader(Assert.Single(zip.Entries).Open());
        Assert.Equal("hello from the tool\n", await reader.ReadToEndAsync());
    }

    /// <summary>Each package has its metadata, README, docs and symbols, and depends on what it needs and nothing else.</summary>
    private void CheckPackages()
    {
        var expectedDependencies = new Dictionary<string, string[]>
        {
            ["Formats.Abstractions"] = [],
            ["Formats.Zip"] = ["Formats.Abstractions", "System.IO.Hashing", "ZstdSharp.Port"],
            ["Formats.Tar"] = ["Formats.Abstractions", "ZstdSharp.Port"],
            ["Formats.Http"] = ["Formats.Abstractions"],
            ["Formats.AspNetCore"] = ["Formats.Zip", "Formats.Tar", "Formats.Http"],
        };
        foreach (var (id, dependencies) in expectedDependencies)
        {
            using var package = ZipFile.OpenRead(Path.Combine(Packages, $"{id}.{_version}.nupkg"));
            var names = package.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", names);
            Assert.Contains($"lib/net10.0/{id}.dll", names);
            Assert.Contains($"lib/net10.0/{id}.xml", names);
            Assert.True(File.Exists(Path.Combine(Packages, $"{id}.{_version}.snupkg")), $"{id} has a symbol package");

            using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var nuspec = XDocument.Load(nuspecStream);
            XNamespace ns = nuspec.Root!.GetDefaultNamespace();
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
            Assert.Contains("zip", metadata.Element(ns + "tags")?.Value ?? "", StringComparison.Ordinal);
            var repository = metadata.Element(ns + "repository")!;
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
            var actual = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).Order().ToArray();
            Assert.Equal(dependencies.Order().ToArray(), actual);

            // Siblings reach into each other's internals, so each depends on exactly the version it was built with.
            foreach (var sibling in metadata.Descendants(ns + "dependency").Where(d => d.Attribute("id")!.Value.StartsWith("Formats.", StringComparison.Ordinal)))
            {
                Assert.Equal($"[{_version}]", sibling.Attribute("version")?.Value);
            }
            var frameworks = metadata.Descendants(ns + "frameworkReference").Select(f => f.Attribute("name")!.Value).ToArray();
            Assert.Equal(id == "Formats.AspNetCore" ? ["Microsoft.AspNetCore.App"] : [], frameworks);
        }
    }

    private const string AppSource = """
        using System.Formats.Tar;
        using System.IO.Compression;
        using Formats;
        using Formats.Tar;
        using Formats.Zip;

        var entries = new (ArchiveEntry Entry, byte[]? Content)[]
        {
            (ArchiveEntry.File("a.txt"), "hello\n"u8.ToArray()),
            (ArchiveEntry.File("b.bin"), new byte[300_000]),
            (ArchiveEntry.Directory("c"), null),
        };

        var zipBytes = new MemoryStream();
        await using (var zip = new ZipArchiveWriter(zipBytes, new ZipWriterOptions { Method = ZipCompressionMethod.Auto }))
        {
            foreach (var (entry, content) in entries)
            {
                await zip.AddEntryAsync(entry, content is null ? null : EntrySource.FromBytes(content));
            }

            await zip.CompleteAsync();
        }

        var tarBytes = new MemoryStream();
        await using (var tar = new TarArchiveWriter(tarBytes, new TarWriterOptions { Compression = TarCompression.Gzip }))
        {
            foreach (var (entry, content) in entries)
            {
                await tar.AddEntryAsync(entry, content is null ? null : EntrySource.FromBytes(content));
            }

            await tar.CompleteAsync();
        }

        zipBytes.Position = 0;
        using var readZip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        foreach (var e in readZip.Entries.Where(e => e.Name.Length > 0))
        {
            using var s = e.Open();
            var copy = new MemoryStream();
            s.CopyTo(copy);
            if (!copy.ToArray().SequenceEqual(entries.Single(x => x.Entry.Name == e.FullName).Content!))
            {
                throw new InvalidOperationException("zip content differs: " + e.FullName);
            }
        }

        tarBytes.Position = 0;
        var tarNames = new List<string>();
        using (var reader = new TarReader(new GZipStream(tarBytes, CompressionMode.Decompress)))
        {
            while (reader.GetNextEntry() is { } e)
            {
                tarNames.Add(e.Name);
                if (e.DataStream is { } data)
                {
                    var copy = new MemoryStream();
                    data.CopyTo(copy);
                    if (!copy.ToArray().SequenceEqual(entries.Single(x => x.Entry.Name == e.Name).Content!))
                    {
                        throw new InvalidOperationException("tar content differs: " + e.Name);
                    }
                }
            }
        }

        Console.WriteLine($"zip: {string.Join(' ', readZip.Entries.Select(e => e.FullName))} | tar: {string.Join(' ', tarNames)}");
        """;

    private Task<string> DotnetAsync(string workingDirectory, params string[] args) => RunAsync("dotnet", workingDirectory, args);

    private async Task<string> RunAsync(string program, string workingDirectory, params string[] args)
    {
        // Our packages land in a package folder of their own, not the user's.
        var environment = Repository.QuietDotnet();
        environment["NUGET_PACKAGES"] = Path.Combine(_work, "nuget");
        var result = await ExternalTool.RunAsync(program, args, timeoutSeconds: 300, workingDirectory: workingDirectory, environment: environment);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Text}\n{result.Stderr}");
        return result.Text;
    }
}
