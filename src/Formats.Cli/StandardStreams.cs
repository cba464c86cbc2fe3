using Microsoft.Win32.SafeHandles;

namespace Formats.Cli;

/// <summary>The process's standard streams, as the commands see them (tests pass their own).</summary>
internal sealed record StandardStreams(Func<Stream> OpenInput, Func<Stream> OpenOutput, TextWriter Error, TextWriter Out)
{
    /// <summary>File descriptors 0 and 1 as unbuffered streams: no console layer between the archive and the pipe.</summary>
    public static StandardStreams Open() => new(
        () => new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0),
        () => new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0),
        Console.Error,
        Console.Out);
}
