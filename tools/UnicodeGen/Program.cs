using Formats.Tools.UnicodeGen;

// Usage: dotnet run --project tools/UnicodeGen [-- --check]
// Writes src/Formats.Abstractions/Naming/CanonicalDecomposition.g.cs from this machine's ICU, or with --check exits 1
// when the committed file differs from what it would write.
var root = DecompositionTable.FindRepositoryRoot(Directory.GetCurrentDirectory());
var path = Path.Combine(root, DecompositionTable.RelativePath);
var content = DecompositionTable.Render();
var current = File.Exists(path) ? File.ReadAllText(path) : null;
if (args is ["--check"])
{
    if (current != content)
    {
        Console.Error.WriteLine($"stale: {DecompositionTable.RelativePath}");
        return 1;
    }

    return 0;
}

if (current != content)
{
    File.WriteAllText(path, content);
    Console.WriteLine($"wrote {DecompositionTable.RelativePath}");
}

return 0;
