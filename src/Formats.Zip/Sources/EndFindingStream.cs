using Formats.Streaming;

namespace Formats.Zip.Sources;

/// <summary>
/// The first <paramref name="length"/> bytes of <paramref name="inner"/> for an inflater: in pieces as asked, but the
/// last <see cref="Tail"/> bytes one per read, so that <see cref="Delivered"/> says exactly where the deflate stream
/// ended when it ends in them (an inflater asks for no byte past its stream's end).
/// </summary>
internal sealed class EndFindingStream(Stream inner, long length) : ReadOnlyStreamBase
{
    private const int Tail = 64;

    /// <summary>Bytes handed to the inflater so far.</summary>
    public long Delivered { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = length - Delivered;
        var most = left > Tail ? Math.Min(buffer.Length, left - Tail) : Math.Min(buffer.Length, Math.Min(left, 1));
        if (most == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)most], cancellationToken).ConfigureAwait(false);
        Delivered += read;
        return read;
    }
}
