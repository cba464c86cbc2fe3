using Formats.Streaming;

namespace Formats.Sources;

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

    /// <summary>Only a seekable stream left open: otherwise the first reader's dispose closes it.</summary>
    internal override bool CanReopen => _stream.CanSeek && _leaveOpen;

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
