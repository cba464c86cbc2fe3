namespace Formats.Cli;

/// <summary>
/// Where the archive goes. Standard output and devices or pipes (e.g. /dev/null) are written in place. A regular file is
/// written to a temporary file beside it and renamed over PATH only on success, so a failed run leaves no file at PATH
/// and never touches what was there; the command deletes only the temporary file it created.
/// </summary>
internal sealed class OutputTarget : IAsyncDisposable
{
    private readonly string? _finalPath;
    private readonly string? _tempPath;
    private bool _committed;

    private OutputTarget(Stream stream, string? finalPath, string? tempPath)
    {
        Stream = stream;
        _finalPath = finalPath;
        _tempPath = tempPath;
    }

    public Stream Stream { get; }

    /// <summary>The full path of the file written, when it is a regular file (to keep it out of the archive).</summary>
    public string? FinalPath => _finalPath;

    public static OutputTarget Open(string path, Func<Stream> openStdout)
    {
        if (path == "-")
        {
            return new OutputTarget(openStdout(), null, null);
        }

        var full = Path.GetFullPath(path);
        if (File.Exists(full) && !IsRegularFile(full))
        {
            // A device or a pipe: write in place, never replace it.
            return new OutputTarget(new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, useAsync: true), null, null);
        }

        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"'{path}': directory '{directory}' does not exist");
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        });
        return new OutputTarget(stream, full, temp);
    }

    /// <summary>The archive is complete: move it into place.</summary>
    public async ValueTask CommitAsync()
    {
        await Stream.DisposeAsync();
        if (_tempPath is not null)
        {
            File.Move(_tempPath, _finalPath!, overwrite: true);
        }

        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        if (!_committed && _tempPath is not null)
        {
            File.Delete(_tempPath);
        }
    }

    /// <summary>True for a regular file (following links); false for devices, pipes and sockets.</summary>
    private static bool IsRegularFile(string path) => UnixFileType.Of(path) is UnixFileType.Kind.Regular or UnixFileType.Kind.Unknown && !path.StartsWith("/dev/", StringComparison.Ordinal);
}
