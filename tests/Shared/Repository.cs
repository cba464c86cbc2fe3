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

    /// <summary>
    /// The project file of a fresh console app outside the repository, as a user would start one (nullable, warnings as
    /// errors), referencing what <paramref name="references"/> lists (PackageReference or ProjectReference elements).
    /// </summary>
    public static string ConsoleAppProject(params string[] references) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
        {string.Join("\n", references.Select(r => "    " + r))}
          </ItemGroup>
        </Project>
        """;
}
