using System.Text;
using Formats.Tar.Records;

namespace Formats.Testing;

/// <summary>One member as the inspector found it: its ustar header, the pax records before it, and where its data lies.</summary>
internal sealed record InspectedTarMember(UstarHeader Header, string? PaxBlockName, IReadOnlyDictionary<string, string> Pax, long DataOffset)
{
    public string Path => Pax.TryGetValue("path", out var p) ? p
        : Header.Prefix.Length > 0 ? Encoding.UTF8.GetString(Header.Prefix.Span) + "/" + Encoding.UTF8.GetString(Header.Name.Span)
        : Encoding.UTF8.GetString(Header.Name.Span);
}

/// <summary>
/// A strict block walker for tests, built on the generated ustar reader: checks every checksum, the pax record
/// lengths, that data is padded with zeros to 512, that two zero blocks end the archive and that it fills whole 10240-byte records.
/// </summary>
internal static class TarInspector
{
    public static List<InspectedTarMember> Inspect(byte[] tar)
    {
        Check(tar.Length % 10240 == 0, "archive padded to 10240-byte records");
        var members = new List<InspectedTarMember>();
        var at = 0L;
        Dictionary<string, string>? pax = null;
        string? paxName = null;
        while (true)
        {
            var block = tar.AsSpan((int)at, 512);
            if (!block.ContainsAnyExcept((byte)0))
            {
                Check(!tar.AsSpan((int)at + 512, 512).ContainsAnyExcept((byte)0), "two zero blocks at the end");
                Check(!tar.AsSpan((int)at).ContainsAnyExcept((byte)0), "only zeros after the end blocks");
                Check(pax is null, "no pax header without its member");
                return members;
            }

            var header = UstarHeader.Read(block);
            at += 512;
            var dataOffset = at;
            var size = header.Size;
            if (header.TypeFlag is (byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6')
            {
                Check(size == 0, "links, devices, directories and FIFOs have size 0");
            }

            var padded = (size + 511) / 512 * 512;
            Check(!tar.AsSpan((int)(dataOffset + size), (int)(padded - size)).ContainsAnyExcept((byte)0), "data padded with zeros");
            if (header.TypeFlag == (byte)'x')
            {
                Check(pax is null, "one pax header per member");
                pax = ParsePax(tar.AsSpan((int)dataOffset, (int)size));
                paxName = Encoding.ASCII.GetString(header.Name.Span);
            }
            else
            {
                if (pax?.TryGetValue("size", out var paxSize) == true)
                {
                    size = long.Parse(paxSize, System.Globalization.CultureInfo.InvariantCulture);
                    Check(size == header.Size, "base-256 size in the ustar field agrees with pax size");
                    padded = (size + 511) / 512 * 512;
                }

                members.Add(new InspectedTarMember(header, paxName, pax ?? [], dataOffset));
                pax = null;
                paxName = null;
            }

            at = dataOffset + padded;
        }
    }

    private static Dictionary<string, string> ParsePax(ReadOnlySpan<byte> data)
    {
        var records = new Dictionary<string, string>();
        while (!data.IsEmpty)
        {
            var space = data.IndexOf((byte)' ');
            var length = int.Parse(Encoding.ASCII.GetString(data[..space]), System.Globalization.CultureInfo.InvariantCulture);
            var record = data[..length];
            Check(record[^1] == '\n', "pax record ends with a newline, at its stated length");
            var text = Encoding.UTF8.GetString(record[(space + 1)..^1]);
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            Check(records.TryAdd(text[..eq], text[(eq + 1)..]), "pax key once");
            data = data[length..];
        }

        return records;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidDataException("tar structure: expected " + what);
        }
    }
}
