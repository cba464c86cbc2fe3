using Formats.Streaming;

namespace Formats.Sources;

internal sealed class FileEntrySource : EntrySource
{
    private readonly string _path;
    private readonly long _length;
    private readonly DateTimeOffset _lastModified;

    public FileEntrySource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        var info = new FileInfo(path);
        _length = info.Length;
        _lastModified = info.LastWriteTimeUtc;
    }

    public override long? Length => _length;

    public override DateTimeOffset? LastModified => _lastModified;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = new FileStream(_path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });
        if (offset != 0)
        {
            stream.Seek(offset, SeekOrigin.Begin);
        }

        return ValueTask.FromResult<Stream>(stream);
    }
}
