using System.Text;
using Formats.Streaming;
using Formats.Tar.Records;

namespace Formats.Tar;

// The fields ustar may not hold (paths, link targets, numbers, owner names): split or cut to fit, else written in pax.
internal sealed partial class TarEntryLayout
{
    /// <summary>The ustar name and prefix of <paramref name="path"/>; the whole path in pax when they cannot hold it, or it is not ASCII.</summary>
    private static (ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Prefix) PathFields(byte[] path, PaxExtendedHeader pax)
    {
        var split = Split(path);
        if (split is null || !Ascii.IsValid(path))
        {
            pax.Add("path", path);
        }

        return split ?? (Truncate(path, UstarHeader.FieldLengths.Name), ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>The ustar linkname of a link's target; the whole target in pax when it is too long or not ASCII.</summary>
    private static ReadOnlyMemory<byte> LinkNameField(string? target, PaxExtendedHeader pax)
    {
        if (target is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var bytes = Encoding.UTF8.GetBytes(target);
        if (bytes.Length > UstarHeader.FieldLengths.LinkName || !Ascii.IsValid(bytes))
        {
            pax.Add("linkpath", bytes);
        }

        return Truncate(bytes, UstarHeader.FieldLengths.LinkName);
    }

    /// <summary>Size, mtime (also when not a whole second), uid and gid in pax when their octal fields cannot hold them.</summary>
    private static void AddNumbersUstarCannotHold(PreparedEntry entry, long length, PaxExtendedHeader pax)
    {
        if (!TarNumber.FitsOctal(length, UstarHeader.FieldLengths.Size))
        {
            pax.Add("size", length);
        }

        var seconds = entry.LastModified.ToUnixTimeSeconds();
        var whole = (entry.LastModified.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % TimeSpan.TicksPerSecond == 0;
        if (!whole || !TarNumber.FitsOctal(seconds, UstarHeader.FieldLengths.Mtime))
        {
            pax.Add("mtime", PaxExtendedHeader.FormatTime(entry.LastModified));
        }

        if (!TarNumber.FitsOctal(entry.UserId, UstarHeader.FieldLengths.Uid))
        {
            pax.Add("uid", entry.UserId);
        }

        if (!TarNumber.FitsOctal(entry.GroupId, UstarHeader.FieldLengths.Gid))
        {
            pax.Add("gid", entry.GroupId);
        }
    }


    /// <summary>
    /// Splits a path into ustar's prefix and name at a '/', so that name ≤ 100 and prefix ≤ 155 bytes and neither is
    /// empty; a path of up to 100 bytes needs no prefix. Null when no split works.
    /// </summary>
    internal static (ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Prefix)? Split(byte[] path)
    {
        if (path.Length <= UstarHeader.FieldLengths.Name)
        {
            return (path, ReadOnlyMemory<byte>.Empty);
        }

        // The first '/' that leaves a name short enough gives the shortest prefix.
        for (var i = 1; i < path.Length - 1; i++)
        {
            if (path[i] == '/' && path.Length - i - 1 <= UstarHeader.FieldLengths.Name)
            {
                return i <= UstarHeader.FieldLengths.Prefix ? (path.AsMemory(i + 1), path.AsMemory(0, i)) : null;
            }
        }

        return null;
    }

    private static ReadOnlyMemory<byte> OwnerName(PaxExtendedHeader pax, string key, string name, int fieldLength)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > fieldLength || !Ascii.IsValid(bytes))
        {
            pax.Add(key, bytes);
        }

        return Truncate(bytes, fieldLength);
    }

    /// <summary>At most <paramref name="max"/> bytes, cut before a UTF-8 continuation byte so no character is split.</summary>
    private static ReadOnlyMemory<byte> Truncate(byte[] bytes, int max)
    {
        if (bytes.Length <= max)
        {
            return bytes;
        }

        var cut = max;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return bytes.AsMemory(0, cut);
    }

    /// <summary>The pax header block's own name: "dir/PaxHeaders/file", ASCII (others become '_'), at most 100 bytes.</summary>
    private static byte[] PaxBlockName(byte[] path)
    {
        var text = Encoding.UTF8.GetString(path).TrimEnd('/');
        var slash = text.LastIndexOf('/');
        var name = slash < 0 ? $"PaxHeaders/{text}" : $"{text[..slash]}/PaxHeaders/{text[(slash + 1)..]}";
        var ascii = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            ascii.Append(c < 128 ? c : '_');
        }

        var bytes = Encoding.ASCII.GetBytes(ascii.ToString());
        return bytes.Length <= UstarHeader.FieldLengths.Name ? bytes : bytes[..UstarHeader.FieldLengths.Name];
    }
}
