using Formats.Http;

namespace Formats.Cli;

/// <summary>The read-ahead budget of <c>gateway</c> and <c>serve</c>: what members fetched ahead of their turn may hold, across all downloads.</summary>
internal static class ReadAheadLimits
{
    public const string Help = """
          --read-ahead-connections N
                                    the most member requests open ahead of their turn, across all downloads
                                    (default 64; 0: members are fetched only when their turn comes)
          --read-ahead-bytes N      the most bytes buffered ahead of their turn, across all downloads (default
                                    16777216, 16 MiB)
        """;

    /// <summary>The options' names, for the command's table of options that take a value.</summary>
    public static readonly string[] Names = ["read-ahead-connections", "read-ahead-bytes"];

    /// <summary>The budget the command line asks for; the process's shared one when it asks for nothing.</summary>
    public static ReadAheadBudget Budget(CommandLine line)
    {
        var connections = line.Number("read-ahead-connections", 0, int.MaxValue);
        var bytes = line.Number("read-ahead-bytes", 0, long.MaxValue);
        return connections is null && bytes is null
            ? ReadAheadBudget.Shared
            : new ReadAheadBudget((int)(connections ?? ReadAheadBudget.DefaultMaxConnections), bytes ?? ReadAheadBudget.DefaultMaxBufferedBytes);
    }

    /// <summary>Adds the options to <paramref name="valued"/>.</summary>
    public static Dictionary<string, string> With(Dictionary<string, string> valued)
    {
        foreach (var name in Names)
        {
            valued["--" + name] = name;
        }

        return valued;
    }
}
