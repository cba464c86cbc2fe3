using System.Globalization;
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

    public override string? Location => "file:" + Path.GetFullPath(_path);

    /// <summary>The file as this source saw it when made (the values its plan's ETag holds too).</summary>
    private string Identity => string.Create(CultureInfo.InvariantCulture, $"file:{Path.GetFullPath(_path)}|{_length}|{_lastModified.UtcTicks}");

    public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(Identity);

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = new IdentifiedFileStream(_path, Identity, new FileStreamOptions
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

/// <summary>A file opened by its source, telling the identity the source gave it.</summary>
internal sealed class IdentifiedFileStream(string path, string identity, FileStreamOptions options) : FileStream(path, options), IEntrySourceMetadata
{
    long? IEntrySourceMetadata.Length => Length - Position;

    DateTimeOffset? IEntrySourceMetadata.LastModified => null;

    string? IEntrySourceMetadata.Identity => identity;
}
