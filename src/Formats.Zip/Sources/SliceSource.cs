using Formats.Streaming;

namespace Formats.Zip.Sources;

/// <summary>
/// <paramref name="length"/> bytes of another source from <paramref name="start"/> on (a .gz file's deflate stream, a
/// member's data in a zip): opened at an offset as the inner source is, and dated by it.
/// </summary>
internal sealed class SliceSource(EntrySource inner, long start, long length) : EntrySource
{
    public override long? Length => length;

    public override DateTimeOffset? LastModified => inner.LastModified;

    public override string? Location => inner.Location is { } whole ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"slice {start}+{length} of {whole}") : null;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, length);
        return new SliceStream(await inner.OpenAsync(start + offset, cancellationToken).ConfigureAwait(false), length - offset);
    }
}

/// <summary>At most <paramref name="remaining"/> bytes of <paramref name="inner"/>, which it disposes unless <paramref name="leaveOpen"/>.</summary>
internal sealed class SliceStream(Stream inner, long remaining, bool leaveOpen = false) : ReadOnlyStreamBase
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
        remaining -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (remaining == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], cancellationToken).ConfigureAwait(false);
        remaining -= read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
