using Formats.Streaming;

namespace Formats;

/// <summary>
/// Where an entry's content comes from. A source is opened only when the sink reaches its entry, and is asked
/// for the offset to start at (0 for a whole entry; byte ranges of an archive start later).
/// </summary>
public abstract class EntrySource
{
    /// <summary>The content's length when the source knows it without being opened; null otherwise.</summary>
    public virtual long? Length => null;

    /// <summary>
    /// The content's modification time when the source knows it without being opened (a file's mtime); null otherwise.
    /// It dates entries that declare no <see cref="ArchiveEntry.LastModified"/>, and enters an <see cref="ArchivePlan"/>'s ETag.
    /// </summary>
    public virtual DateTimeOffset? LastModified => null;

    /// <summary>Opens the content for reading, positioned at <paramref name="offset"/>. The caller disposes the stream.</summary>
    public abstract ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken);

    /// <summary>A file on disk, opened for asynchronous reads when its turn comes. Its length and modification time are read now.</summary>
    public static EntrySource FromFile(string path) => new FileEntrySource(path);

    /// <summary>
    /// An open stream, read from its current position. The sink disposes it after reading unless <paramref name="leaveOpen"/>.
    /// Only a seekable stream can be opened at an offset other than 0.
    /// </summary>
    public static EntrySource FromStream(Stream stream, bool leaveOpen = false) => new StreamEntrySource(stream, leaveOpen);

    /// <summary>Bytes in memory.</summary>
    public static EntrySource FromBytes(ReadOnlyMemory<byte> bytes) => new BytesEntrySource(bytes);

    /// <summary>
    /// A URL fetched with <paramref name="client"/> when the entry's turn comes (with a Range request when started at an
    /// offset). The response's length is checked against <paramref name="length"/>; non-success statuses, timeouts and
    /// short bodies fail the archive with the entry and the URL named. <paramref name="responseTimeout"/> bounds the wait
    /// for response headers (default 30 s), <paramref name="idleTimeout"/> any wait for more body data (default 30 s);
    /// the other limits are <see cref="HttpSourceOptions.Default"/>'s.
    /// </summary>
    public static EntrySource FromUrl(HttpClient client, Uri url, long? length = null, TimeSpan? responseTimeout = null, TimeSpan? idleTimeout = null) =>
        FromUrl(client, url, length, new HttpSourceOptions
        {
            ResponseTimeout = responseTimeout ?? HttpSourceOptions.Default.ResponseTimeout,
            IdleTimeout = idleTimeout ?? HttpSourceOptions.Default.IdleTimeout,
        });

    /// <summary>
    /// A URL fetched with <paramref name="client"/> when the entry's turn comes, within <paramref name="options"/>' limits:
    /// response and idle timeouts, a minimum transfer rate, redirects followed (when the client's handler does not) only
    /// to allowed URLs. A 206 answer must start at the offset asked for and, when <paramref name="length"/> is known,
    /// end at it. Requests carry <c>User-Agent: formats/VERSION</c> unless the client sets one. Errors name the URL
    /// without its user information (a password in a URL never appears in a message).
    /// </summary>
    public static EntrySource FromUrl(HttpClient client, Uri url, long? length, HttpSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length ?? 0, nameof(length));
        if (HttpEntrySource.Refusal(url, options) is { } problem)
        {
            throw new ArgumentException($"{HttpEntrySource.Redact(url)} {problem}", nameof(url));
        }

        return new HttpEntrySource(client, url, length, options);
    }

    /// <summary>A delegate that opens the content at an offset, called only when the entry's turn comes.</summary>
    public static EntrySource FromDelegate(Func<long, CancellationToken, ValueTask<Stream>> open, long? length = null) =>
        new DelegateEntrySource(open, length);
}

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

internal sealed class StreamEntrySource : EntrySource
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _start;
    private bool _opened;

    public StreamEntrySource(Stream stream, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("the stream is not readable", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        _start = stream.CanSeek ? stream.Position : 0;
    }

    public override long? Length => _stream.CanSeek ? _stream.Length - _start : null;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_stream.CanSeek)
        {
            _stream.Position = _start + offset;
        }
        else if (offset != 0 || _opened)
        {
            throw new NotSupportedException("a non-seekable stream source can be read once, from its start");
        }

        _opened = true;
        return ValueTask.FromResult(_leaveOpen ? new NonDisposingStream(_stream) : _stream);
    }
}

internal sealed class BytesEntrySource(ReadOnlyMemory<byte> bytes) : EntrySource
{
    public override long? Length => bytes.Length;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, bytes.Length);
        return ValueTask.FromResult<Stream>(new ReadOnlyMemoryStream(bytes[(int)offset..]));
    }
}

internal sealed class DelegateEntrySource : EntrySource
{
    private readonly Func<long, CancellationToken, ValueTask<Stream>> _open;
    private readonly long? _length;

    public DelegateEntrySource(Func<long, CancellationToken, ValueTask<Stream>> open, long? length)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegative(length ?? 0, nameof(length));
        _open = open;
        _length = length;
    }

    public override long? Length => _length;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken) => _open(offset, cancellationToken);
}
