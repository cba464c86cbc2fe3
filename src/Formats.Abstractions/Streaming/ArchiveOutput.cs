using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Formats.Streaming;

/// <summary>
/// Where an archive's bytes go: a <see cref="PipeWriter"/>, or any <see cref="Stream"/> through a pipe writer of our own.
/// Counts every byte handed to it, so the writers know their output position without seeking. Record writers fill
/// <see cref="GetSpan"/> and <see cref="Advance"/> once; bytes are pushed to the target at boundaries, once at least
/// <see cref="FlushThreshold"/> of them wait, so memory stays bounded whatever the archive's size. Asynchronous only.
/// </summary>
internal sealed partial class ArchiveOutput
{
    /// <summary>Bytes that may wait in the pipe before a boundary flush pushes them out.</summary>
    public const int FlushThreshold = 128 * 1024;

    /// <summary>Content writes at least this large bypass the pipe when the target is a stream of our own.</summary>
    public const int DirectWriteThreshold = 16 * 1024;

    private readonly PipeWriter _writer;
    private readonly bool _ownsWriter;
    private readonly Stream? _encoder;
    private readonly GateStream? _gate;
    private readonly PipeWriter? _target;
    private Stream? _direct;

    // Where archive offset 0 is in a seekable stream of our own: bytes already written can be rewritten there.
    private long? _patchBase;
    private (long Start, long End)? _window;
    private byte[]? _scratch;
    private long _unflushed;
    private bool _finished;

    private ArchiveOutput(PipeWriter writer, bool ownsWriter, Stream? encoder = null, GateStream? gate = null, PipeWriter? target = null)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
        _encoder = encoder;
        _gate = gate;
        _target = target;
    }

    /// <summary>Bytes handed to the output so far: the archive offset of the next byte.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// The archive offset up to which bytes have been pushed to the target: what a reader would see if the archive were
    /// aborted now. For a caller's <see cref="PipeWriter"/>, whose waiting bytes the caller may still flush, every byte.
    /// </summary>
    public long FlushedPosition => _ownsWriter ? Position - _unflushed : Position;

    /// <summary>
    /// Writes to <paramref name="writer"/>, through <paramref name="encode"/> when given: a whole-archive encoder
    /// (gzip, zstd) created over a stream of the target, which it must leave open.
    /// </summary>
    public static ArchiveOutput Create(PipeWriter writer, Func<Stream, Stream>? encode = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (encode is null)
        {
            return new ArchiveOutput(writer, ownsWriter: false);
        }

        var gate = new GateStream(new PipeTargetStream(writer));
        var encoder = encode(gate);
        return new ArchiveOutput(OwnPipe(encoder), ownsWriter: true, encoder, gate, target: writer);
    }

    /// <summary>Writes to <paramref name="stream"/> (left open), through <paramref name="encode"/> when given.</summary>
    public static ArchiveOutput Create(Stream stream, Func<Stream, Stream>? encode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("the output stream is not writable", nameof(stream));
        }

        if (encode is null)
        {
            return new ArchiveOutput(OwnPipe(stream), ownsWriter: true)
            {
                _direct = stream,
                _patchBase = stream.CanSeek ? stream.Position : null,
            };
        }

        var gate = new GateStream(stream);
        var encoder = encode(gate);
        return new ArchiveOutput(OwnPipe(encoder), ownsWriter: true, encoder, gate);
    }

    /// <summary>
    /// Writes only archive bytes [<paramref name="start"/>, <paramref name="end"/>) to <paramref name="stream"/> (left
    /// open): the writer lays out the whole archive, and what falls outside the window is counted, not produced.
    /// </summary>
    public static ArchiveOutput CreateRange(Stream stream, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new ArchiveOutput(OwnPipe(stream), ownsWriter: true) { _window = (start, end), Mode = WriteMode.Range };
    }

    /// <summary>Writes only archive bytes [<paramref name="start"/>, <paramref name="end"/>) to <paramref name="writer"/>.</summary>
    public static ArchiveOutput CreateRange(PipeWriter writer, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new ArchiveOutput(writer, ownsWriter: false) { _window = (start, end), Mode = WriteMode.Range };
    }

    /// <summary>Produces nothing and counts every byte: the archive's length is <see cref="Position"/> at the end.</summary>
    public static ArchiveOutput CreateMeasure() =>
        new(OwnPipe(Stream.Null), ownsWriter: true) { _window = (0, 0), Mode = WriteMode.Measure };

    private static PipeWriter OwnPipe(Stream stream) =>
        PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));

    /// <summary>A span of at least <paramref name="sizeHint"/> bytes to fill; commit what was filled with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        if (_window is null)
        {
            return _writer.GetSpan(sizeHint);
        }

        // A window stages records in a buffer of its own, then passes on the part inside the window.
        if (_scratch is null || _scratch.Length < sizeHint)
        {
            _scratch = new byte[Math.Max(sizeHint, 4096)];
        }

        return _scratch;
    }

    public void Advance(int count)
    {
        if (_window is { } window)
        {
            Emit(window, _scratch.AsSpan(0, count));
            Position += count;
            return;
        }

        _writer.Advance(count);
        Position += count;
        _unflushed += count;
    }

    /// <summary>What this output produces: the whole archive, its length only, or one byte range.</summary>
    public WriteMode Mode { get; private init; }

    /// <summary>Hands the part of <paramref name="bytes"/> (archive offset <see cref="Position"/>) that lies inside the window to the pipe.</summary>
    private void Emit((long Start, long End) window, ReadOnlySpan<byte> bytes)
    {
        var from = Math.Max(Position, window.Start);
        var to = Math.Min(Position + bytes.Length, window.End);
        if (from < to)
        {
            var slice = bytes[(int)(from - Position)..(int)(to - Position)];
            slice.CopyTo(_writer.GetSpan(slice.Length));
            _writer.Advance(slice.Length);
            _unflushed += slice.Length;
        }
    }

    /// <summary>
    /// True when bytes already written can be rewritten (<see cref="PatchAsync"/>): a whole archive to a seekable stream
    /// of our own, not through an encoder. A stored zip member then gets its CRC-32 after its data, in its local header.
    /// </summary>
    public bool CanPatch => _patchBase is not null && Mode == WriteMode.Write && _window is null;

    /// <summary>
    /// Keeps the layout a plan measured: a plan's whole write has the descriptors its length and ranges counted,
    /// whatever the output.
    /// </summary>
    public void DisablePatching() => _patchBase = null;

    /// <summary>
    /// Rewrites <paramref name="bytes"/> at archive offset <paramref name="offset"/>, already written: flushes what waits,
    /// writes there, and comes back to the end.
    /// </summary>
    public async ValueTask PatchAsync(long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (!CanPatch || offset < 0 || offset + bytes.Length > Position)
        {
            throw new InvalidOperationException($"archive bytes {offset}..{offset + bytes.Length} cannot be rewritten here");
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var stream = _direct!;
        var end = stream.Position;
        stream.Position = _patchBase!.Value + offset;
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        stream.Position = end;
    }

    /// <summary>Copies <paramref name="data"/> into the output, pushing it out in pieces of at most <see cref="FlushThreshold"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (_window is { } window && !data.IsEmpty)
        {
            var n = Math.Min(data.Length, FlushThreshold);
            Emit(window, data.Span[..n]);
            Position += n;
            data = data[n..];
            await FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_direct is { } direct && data.Length >= DirectWriteThreshold)
        {
            // Large content to a stream of our own: push what waits in the pipe, then hand the bytes straight to the
            // stream instead of copying them through the pipe first.
            if (_unflushed > 0)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            await direct.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            Position += data.Length;
            return;
        }

        if (!_ownsWriter && data.Length >= DirectWriteThreshold)
        {
            // Large content to a caller's writer (Kestrel's response): one WriteAsync, which copies into its blocks
            // after the bytes waiting there and flushes them all. Block by block, every Advance took the response's lock.
            var result = await _writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            Position += data.Length;
            _unflushed = 0;
            CheckFlush(result);
            return;
        }

        while (!data.IsEmpty)
        {
            // Whatever the writer has free, without a size hint: Kestrel's response writer hands out blocks of 4 KiB,
            // and a larger hint gets a temporary buffer that it copies again into its blocks on the next flush.
            var span = _writer.GetSpan();
            var n = Math.Min(span.Length, data.Length);
            data.Span[..n].CopyTo(span);
            Advance(n);
            data = data[n..];
            await FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one record of at most <paramref name="maxLength"/> bytes: <paramref name="write"/> fills the span it is
    /// given from <paramref name="state"/> and returns the bytes it wrote; then a boundary (<see cref="FlushIfFullAsync"/>).
    /// </summary>
    public ValueTask WriteRecordAsync<TState>(int maxLength, TState state, Func<Span<byte>, TState, int> write, CancellationToken cancellationToken)
    {
        Advance(write(GetSpan(maxLength), state));
        return FlushIfFullAsync(cancellationToken);
    }

    /// <summary>A boundary: pushes the waiting bytes out if there are enough of them.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        _unflushed >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    private static void CheckFlush(FlushResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("the flush of the archive output was canceled");
        }

        if (result.IsCompleted)
        {
            throw new IOException("the reader of the archive output has stopped reading");
        }
    }

    /// <summary>Pushes every waiting byte to the target and flushes it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        _unflushed = 0;
        CheckFlush(result);
    }
}
