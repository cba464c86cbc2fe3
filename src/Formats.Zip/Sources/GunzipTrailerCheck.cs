using Formats.Streaming;
using Formats.Zip.Encoding;
using Formats.Zip.Records;

namespace Formats.Zip.Sources;

/// <summary>A stream read asynchronously from <see cref="Inner"/>, which it disposes with itself.</summary>
internal abstract class OwningReadStream(Stream inner) : ReadOnlyStreamBase
{
    protected Stream Inner => inner;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Passes reads through and keeps the last 8 bytes read: a gzip file's trailer, once it has ended.</summary>
internal sealed class TailKeepingStream(Stream inner) : OwningReadStream(inner)
{
    private readonly byte[] _tail = new byte[GzipMemberTrailer.FixedLength];
    private long _total;

    /// <summary>The last 8 bytes read, or null when fewer were read.</summary>
    public ReadOnlySpan<byte> Tail => _total < _tail.Length ? default : _tail;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var span = buffer.Span[..read];
        if (span.Length >= _tail.Length)
        {
            span[^_tail.Length..].CopyTo(_tail);
        }
        else if (span.Length > 0)
        {
            // Shift the kept bytes left by what came in, and append it.
            _tail.AsSpan(span.Length).CopyTo(_tail);
            span.CopyTo(_tail.AsSpan(_tail.Length - span.Length));
        }

        _total += read;
        return read;
    }
}

/// <summary>The inflated content of a gzip read once, checked at its end against the trailer its source ended with.</summary>
internal sealed class TrailerCheckingStream(Stream inflater, TailKeepingStream tail, string name) : OwningReadStream(inflater)
{
    private readonly Crc32Accumulator _crc = new();
    private long _length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            _crc.Append(buffer.Span[..read]);
            _length += read;
            return read;
        }

        var trailer = tail.Tail;
        if (trailer.IsEmpty
            || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer[GzipMemberTrailer.FieldLocations.Crc32..]) != _crc.Value
            || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer[GzipMemberTrailer.FieldLocations.InputSize..]) != (uint)_length)
        {
            throw new InvalidDataException($"gzip source '{name}' is truncated, corrupt or of several members: its {_length} inflated bytes are not what its last 8 bytes say (a gzip read once must be one complete member)")
                .WithReason(ArchiveErrorReason.SourceInvalid);
        }

        return 0;
    }
}
