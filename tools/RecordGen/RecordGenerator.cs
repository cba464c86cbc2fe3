namespace Formats.Tools.RecordGen;

/// <summary>A file the generator owns, relative to the repository root, with '/' separators.</summary>
public sealed record GeneratedFile(string RelativePath, string Content);

/// <summary>Turns <c>records/*.records</c> into committed C# and <c>docs/records.md</c>. Deterministic: sorted inputs, '\n' endings, no timestamps.</summary>
public static class RecordGenerator
{
    public static IReadOnlyList<GeneratedFile> Render(string repositoryRoot)
    {
        var files = Directory.GetFiles(Path.Combine(repositoryRoot, "records"), "*.records")
            .Order(StringComparer.Ordinal)
            .Select(path => RecordParser.Parse(
                Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/'),
                File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal)))
            .ToList();

        var output = new List<GeneratedFile>();
        foreach (var file in files)
        {
            foreach (var record in file.Records)
            {
                output.Add(new GeneratedFile($"{file.OutputFolder}/{record.Name}.g.cs", CSharpEmitter.Emit(file, record)));
                output.Add(new GeneratedFile($"{file.ReadersFolder}/{record.Name}Reader.g.cs", ReaderEmitter.Emit(file, record)));
            }
        }

        output.Add(new GeneratedFile("docs/records.md", MarkdownEmitter.Emit(files)));
        return output;
    }

    /// <summary>Generated files whose committed copy differs from a fresh rendering, and stale <c>.g.cs</c> files no record produces.</summary>
    public static IReadOnlyList<string> FindStale(string repositoryRoot)
    {
        var rendered = Render(repositoryRoot);
        var stale = rendered
            .Where(f =>
            {
                var path = Path.Combine(repositoryRoot, f.RelativePath);
                return !File.Exists(path) || File.ReadAllText(path) != f.Content;
            })
            .Select(f => f.RelativePath)
            .ToList();
        var expected = rendered.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in rendered.Select(f => Path.GetDirectoryName(f.RelativePath)!.Replace('\\', '/')).Distinct().Where(d => d != "docs"))
        {
            stale.AddRange(Directory.GetFiles(Path.Combine(repositoryRoot, folder), "*.g.cs")
                .Select(p => Path.GetRelativePath(repositoryRoot, p).Replace('\\', '/'))
                .Where(p => !expected.Contains(p)));
        }

        return stale;
    }

    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Formats.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Formats.sln above {start}");
    }
}
