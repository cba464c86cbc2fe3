namespace Formats.Cli;

/// <summary>The process's standard streams, as the commands see them (tests pass their own).</summary>
internal sealed record StandardStreams(Func<Stream> OpenInput, Func<Stream> OpenOutput, TextWriter Error, TextWriter Out)
{
    /// <summary>True when standard error is a terminal, where a progress display belongs.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>
    /// File descriptors 0 and 1 through the console streams, which call read(2) and write(2) on the shared descriptor:
    /// a FileStream would use pread/pwrite at its own offset when the descriptor is a regular file, so two commands
    /// writing one after the other into the same redirected output would overwrite each other.
    /// </summary>
    public static StandardStreams Open() => new(Console.OpenStandardInput, Console.OpenStandardOutput, Console.Error, Console.Out)
    {
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };
}
