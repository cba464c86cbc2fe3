using Formats.Tools.RecordGen;

// Usage: dotnet run --project tools/RecordGen [-- --check]
// Writes the generated files, or with --check lists the stale ones and exits 1.
var root = RecordGenerator.FindRepositoryRoot(Directory.GetCurrentDirectory());
if (args is ["--check"])
{
    var stale = RecordGenerator.FindStale(root);
    foreach (var path in stale)
    {
        Console.Error.WriteLine($"stale: {path}");
    }

    return stale.Count == 0 ? 0 : 1;
}

var written = 0;
foreach (var file in RecordGenerator.Render(root))
{
    var path = Path.Combine(root, file.RelativePath);
    if (File.Exists(path) && File.ReadAllText(path) == file.Content)
    {
        continue;
    }

    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, file.Content);
    Console.WriteLine($"wrote {file.RelativePath}");
    written++;
}

Console.WriteLine($"{written} file(s) changed");
return 0;
