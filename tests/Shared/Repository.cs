namespace Formats.Testing;

/// <summary>Where the repository is, seen from a test's output folder, and how tests run the dotnet command quietly.</summary>
public static class Repository
{
    /// <summary>The folder that holds Formats.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Formats.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Formats.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The environment for a dotnet command a test runs: no banner, no telemetry, no build servers left behind.</summary>
    public static Dictionary<string, string> QuietDotnet() => new()
    {
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1",
    };
}
