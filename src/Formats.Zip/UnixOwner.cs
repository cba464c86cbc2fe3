using Formats.Streaming;
using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>
/// An entry's owner ids as the Info-ZIP Unix extra field (0x7875) carries them, in both headers as Info-ZIP writes it,
/// when the entry declares them: packed into one value so that the record kept per entry stays small.
/// </summary>
internal readonly record struct UnixOwner(long Packed)
{
    /// <summary>No ids declared: no extra field.</summary>
    public static UnixOwner None => new(-1);

    public static UnixOwner From(PreparedEntry entry) =>
        entry.HasOwner ? new(((long)entry.UserId << 31) | (uint)entry.GroupId) : None;

    public int ExtraLength => Packed < 0 ? 0 : InfoZipUnixExtraField.FixedLength;

    /// <summary>Writes the extra field, if any, and returns its length.</summary>
    public int WriteExtra(Span<byte> destination)
    {
        if (Packed < 0)
        {
            return 0;
        }

        new InfoZipUnixExtraField { Uid = (uint)(Packed >> 31), Gid = (uint)(Packed & int.MaxValue) }.Write(destination);
        return InfoZipUnixExtraField.FixedLength;
    }
}
