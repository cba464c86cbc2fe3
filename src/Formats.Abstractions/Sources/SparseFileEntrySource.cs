using Microsoft.Win32.SafeHandles;

namespace Formats.Sources;

/// <summary>
/// A sparse file: its map is read when the source is made (so a plan knows the member's layout before any source is
/// opened), and read again when it is opened and after its last region, so that a file whose holes or length changed
/// in between fails instead of giving wrong data.
/// </summary>
internal sealed class SparseFileEntrySource : EntrySource
{
    private readonly string _path;
    private readonly SparseMap _map;
    private readonly DateTimeOffset _lastModified;

    private SparseFileEntrySource(string path, SparseMap map, DateTimeOffset lastModified)
    {
        _path = path;
        _map = map;
        _lastModified = lastModified;
    }

    /// <summary>A sparse source when the file has holes; a plain file source otherwise.</summary>
    public static EntrySource Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SparseMap? map;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            map = FileHoles.Scan(handle, RandomAccess.GetLength(handle));
        }

        return map is { HasHoles: true }
            ? new SparseFileEntrySource(path, map, File.GetLastWriteTimeUtc(path))
            : new FileEntrySource(path);
    }

    public override long? Length => _map.DataLength;

    public override DateTimeOffset? LastModified => _lastModified;

    public override SparseMap? SparseMap => _map;

    public override string? Location => "file:" + Path.GetFullPath(_path);

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, _map.DataLength);
        var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        try
        {
            CheckUnchanged(handle);
            return ValueTask.FromResult<Stream>(new SparseRegionStream(handle, _map, offset, () => CheckUnchanged(handle)));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Throws <see cref="IOException"/> when the file's map is no longer the one its header was laid out from.</summary>
    private void CheckUnchanged(SafeFileHandle handle)
    {
        var now = FileHoles.Scan(handle, RandomAccess.GetLength(handle));
        if (now is null || !now.SameAs(_map))
        {
            var was = $"{_map.RealSize} bytes with {_map.DataLength} of data in {_map.Regions.Count} regions";
            var found = now is null ? "a file whose holes cannot be read" : $"{now.RealSize} bytes with {now.DataLength} of data in {now.Regions.Count} regions";
            throw new IOException($"'{_path}' changed since its sparse map was read: it was {was}, it is now {found}");
        }
    }
}
