namespace Formats.Cli;

/// <summary>Paths with every symbolic link resolved, so that <c>formats serve</c> can tell whether a file really lies under its root.</summary>
internal static class RealPath
{
    /// <summary>The most links followed in one path (Linux's MAXSYMLINKS).</summary>
    private const int MaxLinks = 40;

    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>The absolute <paramref name="path"/> with every link in it resolved, or null when the links loop.</summary>
    public static string? Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(full[current.Length..].Split(Separators).Reverse());
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    return null;
                }

                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(target)!;
                    target = target[current.Length..];
                }

                foreach (var t in target.Split(Separators).Reverse())
                {
                    pending.Push(t);
                }

                continue;
            }

            current = next;
        }

        return current;
    }

    /// <summary>True when the resolved <paramref name="real"/> is <paramref name="realRoot"/> or below it.</summary>
    public static bool IsUnder(string? real, string realRoot) =>
        real is not null && real.StartsWith(Path.EndsInDirectorySeparator(realRoot) ? realRoot : realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// True when the resolved <paramref name="real"/> is a regular file: a FIFO, socket or device is neither listed nor
    /// served, since opening one can block forever (a FIFO with no writer) and hold a thread per request.
    /// </summary>
    public static bool IsRegularFile([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? real) =>
        real is not null && (OperatingSystem.IsWindows() ? File.Exists(real) : UnixFileType.Of(real) == UnixFileType.Kind.Regular);
}
