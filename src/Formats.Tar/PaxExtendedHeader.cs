using System.Globalization;
using System.Text;

namespace Formats.Tar;

/// <summary>
/// The records of a pax 'x' extended header: "LENGTH KEY=VALUE\n", where LENGTH is the decimal length of the whole
/// record, its own digits included (POSIX pax, "pax Extended Header"). Values are UTF-8.
/// </summary>
internal sealed class PaxExtendedHeader
{
    private readonly List<(string Key, byte[] Value)> _records = [];

    public bool IsEmpty => _records.Count == 0;

    public bool Contains(string key) => _records.Exists(r => r.Key == key);

    public void Add(string key, byte[] value) => _records.Add((key, value));

    public void Add(string key, string value) => Add(key, Encoding.UTF8.GetBytes(value));

    public void Add(string key, long value) => Add(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Adds a record of free text given by the caller (an entry's comment), refused when it holds a line feed: pax
    /// records are length-delimited, so it would be valid, but .NET's TarReader splits the records at line feeds and
    /// fails on the whole archive ("The extended header contains invalid records"), and .NET's TarWriter refuses such
    /// a value too (docs/format-decisions.md, "Comments").
    /// </summary>
    public void AddText(string entryName, string key, string value)
    {
        var lineFeed = value.IndexOf('\n', StringComparison.Ordinal);
        if (lineFeed >= 0)
        {
            throw new ArchiveException(entryName, ArchiveErrorReason.FormatLimit, $"{key} has a line feed at character {lineFeed}; tar keeps a {key} of one line (a pax '{key}' record with a line feed breaks .NET's TarReader); zip keeps several lines");
        }

        Add(key, value);
    }

    /// <summary>The records, in the order added.</summary>
    public byte[] ToBytes()
    {
        var output = new List<byte>();
        foreach (var (key, value) in _records)
        {
            // ' ' + key + '=' + value + '\n', plus the length's own digits, found by iteration.
            var rest = 1 + Encoding.ASCII.GetByteCount(key) + 1 + value.Length + 1;
            var length = rest + 1;
            while (length != rest + Digits(length))
            {
                length = rest + Digits(length);
            }

            output.AddRange(Encoding.ASCII.GetBytes($"{length.ToString(CultureInfo.InvariantCulture)} {key}="));
            output.AddRange(value);
            output.Add((byte)'\n');
        }

        return [.. output];
    }

    /// <summary>A time as pax writes it: decimal seconds since the epoch, with the fraction only when there is one.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var magnitude = ticks < 0 ? -(decimal)ticks : ticks;
        var seconds = decimal.Truncate(magnitude / TimeSpan.TicksPerSecond);
        var fraction = (long)(magnitude - (seconds * TimeSpan.TicksPerSecond));
        var text = (ticks < 0 ? "-" : "") + seconds.ToString(CultureInfo.InvariantCulture);
        return fraction == 0 ? text : text + "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    private static int Digits(int n) => n.ToString(CultureInfo.InvariantCulture).Length;
}
