using Formats.Streaming;

namespace Formats.Zip.Encoding;

// The member's CRC-32 beyond its write (IWholeReadContent): what a range needs when the member declares none, and what
// is remembered for its source, both through SourceCrcs and the archive's ICrcStore.
internal sealed partial class ZipContentWriter
{
    /// <summary>
    /// The CRC-32 of every byte of the source, when every byte went through (written or <see cref="SkipRead"/>); null
    /// once any was skipped unread, and for raw and compressed content (its CRC-32 is not computed from the bytes the
    /// source delivers, so it is never remembered for the source).
    /// </summary>
    private uint? ContentCrc => _arrival == ContentArrival.Raw || _skipped || !_method.KeepsBytes ? null : _computedCrc ?? _crc?.Value;

    /// <summary>
    /// A range needs the CRC-32 of a stored member that declares none when the window reaches past its data: the data
    /// descriptor right after it, or the central directory at the end, holds it.
    /// </summary>
    private bool NeedsCrc(long length) =>
        _arrival == ContentArrival.Plain && _method.KeepsBytes && _expectedCrc is null && _rememberedCrc is null && _computedCrc is null
        && Output.Mode == WriteMode.Range && Output.Window.End > _dataStart + length;

    /// <summary>
    /// True when the range needs this member's CRC-32 and the archive's store does not remember one for its source:
    /// then the core reads the content whole. A remembered one is used instead, and nothing outside the window is read.
    /// </summary>
    public async ValueTask<bool> NeedsWholeReadAsync(long length, CancellationToken cancellationToken)
    {
        if (!NeedsCrc(length))
        {
            return false;
        }

        if (_entry.Source is { } source && await SourceCrcs.RememberedAsync(_members.Options.CrcStore, source, cancellationToken).ConfigureAwait(false) is { } remembered)
        {
            _rememberedCrc = remembered;
            return false;
        }

        return true;
    }

    public void SkipRead(ReadOnlySpan<byte> data)
    {
        _crc!.Append(data);
        _length += data.Length;
        Output.Skip(data.Length);
    }

    /// <summary>Remembers the CRC-32 of content read whole under the identity its opened stream tells, unless the entry declared it.</summary>
    public ValueTask WasReadWholeAsync(Stream source, CancellationToken cancellationToken) =>
        _members.Options.CrcStore is { } store && _entry.Crc32 is null && ContentCrc is { } crc && (source as IEntrySourceMetadata)?.Identity is { } identity
            ? SourceCrcs.RememberAsync(store, CrcStoreKeys.For(identity), crc, cancellationToken)
            : ValueTask.CompletedTask;
}
