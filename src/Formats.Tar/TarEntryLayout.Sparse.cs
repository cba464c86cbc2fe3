using System.Globalization;
using System.Text;

namespace Formats.Tar;

// GNU sparse 1.0 members: the renamed path and the map written before the data regions.
internal sealed partial class TarEntryLayout
{
    /// <summary>"DIR/GNUSparseFile.0/BASE" for a sparse file's <paramref name="path"/> "DIR/BASE" (no DIR: "GNUSparseFile.0/BASE").</summary>
    private static byte[] SparseMemberPath(byte[] path)
    {
        var slash = Array.LastIndexOf(path, (byte)'/');
        var folder = Encoding.ASCII.GetBytes(TarConstants.GnuSparseFolder + "/");
        return [.. path.AsSpan(0, slash + 1), .. folder, .. path.AsSpan(slash + 1)];
    }

    /// <summary>
    /// The GNU sparse 1.0 map: decimal numbers, each ending in a newline: the number of regions, then each region's
    /// offset and length; NUL-padded to whole blocks. A file that ends in a hole gets a last region of length 0 at its
    /// real size, as GNU tar writes it, so that readers that size the file by its last region restore the whole length.
    /// </summary>
    private static byte[] SparseMapBlocks(SparseMap map)
    {
        var regions = map.Regions.ToList();
        if (regions.Count == 0 || regions[^1].Offset + regions[^1].Length < map.RealSize)
        {
            regions.Add(new SparseRegion(map.RealSize, 0));
        }

        var text = new StringBuilder();
        text.Append(regions.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var region in regions)
        {
            text.Append(region.Offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(region.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        var blocks = new byte[TarConstants.PaddedLength(bytes.Length)];
        bytes.CopyTo(blocks, 0);
        return blocks;
    }
}
