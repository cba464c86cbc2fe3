using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Formats.Streaming;

namespace Formats;

/// <summary>The plan's validator: a hash of everything that decides a byte of the archive.</summary>
public abstract partial class ArchivePlan
{
    /// <summary>
    /// How much of the layout is held before it is hashed: the ETag of 100,000 members once built the whole text (some
    /// 100 MB of UTF-16, its string and its UTF-8 bytes at once); now one chunk at a time, ended at a line's end.
    /// </summary>
    private const int LayoutChunkChars = 16 * 1024;

    /// <summary>What the ETag is the hash of: one line per entry, after the layout version, options and default time.</summary>
    internal string LayoutText()
    {
        var whole = new StringBuilder();
        WriteLayout(chunk => whole.Append(chunk));
        return whole.ToString();
    }

    /// <summary>The layout in chunks of about <see cref="LayoutChunkChars"/>, each ending with an entry's line (no character split).</summary>
    private void WriteLayout(Action<StringBuilder> write)
    {
        // Everything that decides a byte: the library's layout version, the format and options, each entry's metadata
        // (with the length a source knows), where its content is read from, and the default time. Not the content: a
        // plan promises its declared lengths and CRCs, and a source that breaks them fails the archive; but two members
        // of the same metadata read from different places are different content, so the place enters too.
        var text = new StringBuilder("formats-layout-2\n").Append(WriterOptions.Describe()).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"default-time {DefaultLastModified.UtcTicks}\n");
        foreach (var item in Items)
        {
            var (e, source) = item;
            text.Append(CultureInfo.InvariantCulture, $"{e.Kind}\0{e.Name}\0{e.Length ?? source?.Length}\0{e.Crc32}\0{(e.LastModified ?? source?.LastModified)?.UtcTicks}\0{(e.LastModified ?? source?.LastModified)?.Offset.Ticks}\0{(int?)e.Mode}\0{e.LinkTarget}\0{e.UserId}\0{e.GroupId}\0{e.UserName}\0{e.GroupName}");

            // Added only where they are set, so that the validators of archives without them stay what they were.
            if (e.Comment is not null)
            {
                // Free text, which may hold NUL and line feeds: its length first, so that no comment reads as other fields.
                text.Append(CultureInfo.InvariantCulture, $"\0comment {e.Comment.Length}:{e.Comment}");
            }

            if (!e.LegacyName.IsEmpty)
            {
                // Bytes in an unknown character set: as hex, so that none reads as another field.
                text.Append(CultureInfo.InvariantCulture, $"\0legacy-name {(e.LegacyNameOnly ? "only " : "")}{Convert.ToHexString(e.LegacyName.Span)}");
            }

            if (source?.Location is { } location)
            {
                // A path or URL, which may hold anything: its length first, as a comment's.
                text.Append(CultureInfo.InvariantCulture, $"\0location {location.Length}:{location}");
            }

            if (e.DeviceMajor is not null || e.DeviceMinor is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"\0device {e.DeviceMajor},{e.DeviceMinor}");
            }

            if (source?.SparseMap is { HasHoles: true } map)
            {
                text.Append(CultureInfo.InvariantCulture, $"\0sparse {map.RealSize}");
                foreach (var region in map.Regions)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {region.Offset}+{region.Length}");
                }
            }

            if (item.Options is { } options)
            {
                text.Append(CultureInfo.InvariantCulture, $"\0options={options.Describe()}");
            }

            text.Append('\n');
            if (text.Length >= LayoutChunkChars)
            {
                write(text);
                text.Clear();
            }
        }

        write(text);
    }

    private string ComputeETag()
    {
        // The UTF-8 of the whole text, hashed chunk by chunk: the same hash as of the text at once.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        WriteLayout(chunk => sha.AppendData(Encoding.UTF8.GetBytes(chunk.ToString())));
        var hash = sha.GetHashAndReset();
        return "\"" + Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_') + "\"";
    }
}
