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
    public void Generation_does_not_depend_on_the_culture_and_uses_unix_line_endings()
    {
        // Numbers and names must not follow the culture of the machine that regenerates (a stale check on another
        // machine would fail): render under a culture that formats numbers otherwise and compare.
        var root = RecordGenerator.FindRepositoryRoot(AppContext.BaseDirectory);
        var invariant = RecordGenerator.Render(root);
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal(invariant, RecordGenerator.Render(root));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }

        Assert.All(invariant, f => Assert.DoesNotContain('\r', f.Content));
        Assert.Contains(invariant, f => f.RelativePath.StartsWith("tests/Shared/Records/", StringComparison.Ordinal));
        Assert.DoesNotContain(invariant, f => f.RelativePath.StartsWith("src/", StringComparison.Ordinal) && f.Content.Contains(" Read(", StringComparison.Ordinal));
    }
}
