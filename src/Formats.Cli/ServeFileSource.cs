using System.Globalization;

namespace Formats.Cli;

/// <summary>
/// A picked file of <c>formats serve</c>: checked (real path under the real root, regular file) when the request
/// arrives, and opened when its turn comes by <see cref="BeneathRoot"/>, beneath the root and through no link, so that
/// whatever changed in between fails the member (and with it the archive) instead of reading something else.
/// </summary>
internal sealed class ServeFileSource : EntrySource
{
    private readonly string _realRoot;
    private readonly string _relative;
    private readonly long _length;
    private readonly DateTimeOffset _lastModified;

    /// <summary>The file <paramref name="real"/> (every link resolved) beneath <paramref name="realRoot"/>, with its length and time now.</summary>
    public ServeFileSource(string realRoot, string real)
    {
        _realRoot = realRoot;
        _relative = Path.GetRelativePath(realRoot, real).Replace('\\', '/');
        var info = new FileInfo(real);
        _length = info.Length;
        _lastModified = info.LastWriteTimeUtc;
    }

    public override long? Length => _length;

    public override DateTimeOffset? LastModified => _lastModified;

    /// <summary>The file's real path when the request was checked: it enters the ETag, so another file under the same name is another archive.</summary>
    public override string? Location => "file:" + Path.Join(_realRoot, _relative);

    private string Identity => string.Create(CultureInfo.InvariantCulture, $"file:{Path.Join(_realRoot, _relative)}|{_length}|{_lastModified.UtcTicks}");

    public override ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(Identity);

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = BeneathRoot.IsSupported
            ? new OpenedFileStream(BeneathRoot.OpenRegularFile(_realRoot, _relative), Identity)
            : OpenChecked();
        if (offset != 0)
        {
            stream.Seek(offset, SeekOrigin.Begin);
        }

        return ValueTask.FromResult<Stream>(stream);
    }

    /// <summary>Elsewhere than Linux: the checks of the request again, just before the open (a narrower window, not none).</summary>
    private OpenedFileStream OpenChecked()
    {
        var path = Path.GetFullPath(Path.Join(_realRoot, _relative));
        var real = RealPath.Resolve(path);
        if (real != path || !RealPath.IsRegularFile(real))
        {
            throw new IOException($"'{_relative}' is no longer a regular file under the served folder");
        }

        return new OpenedFileStream(File.OpenHandle(real, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan), Identity);
    }

    /// <summary>The open file, telling the identity the source gave it.</summary>
    private sealed class OpenedFileStream(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string identity) : FileStream(handle, FileAccess.Read, bufferSize: 0), IEntrySourceMetadata
    {
        long? IEntrySourceMetadata.Length => Length - Position;

        DateTimeOffset? IEntrySourceMetadata.LastModified => null;

        string? IEntrySourceMetadata.Identity => identity;
    }
}
