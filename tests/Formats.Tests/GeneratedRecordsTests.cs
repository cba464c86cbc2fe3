using Formats.Tools.RecordGen;

namespace Formats.Tests;

public sealed class GeneratedRecordsTests
{
    [Fact]
    public void Committed_generated_files_match_a_fresh_generation()
    {
        var root = RecordGenerator.FindRepositoryRoot(AppContext.BaseDirectory);
        var stale = RecordGenerator.FindStale(root);
        Assert.True(stale.Count == 0, "stale generated files (run: dotnet run --project tools/RecordGen): " + string.Join(", ", stale));
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        var root = RecordGenerator.FindRepositoryRoot(AppContext.BaseDirectory);
        var first = RecordGenerator.Render(root);
        var second = RecordGenerator.Render(root);
        Assert.Equal(first, second);
        Assert.All(first, f => Assert.DoesNotContain('\r', f.Content));
    }
}
