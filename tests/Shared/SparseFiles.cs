namespace Formats.Testing;

/// <summary>Sparse files made in a test's temp folder: data written at offsets, everything else a hole.</summary>
internal static class SparseFiles
{
    /// <summary>A file of <paramref name="size"/> bytes holding <paramref name="data"/> at their offsets, and holes between (on file systems that keep them).</summary>
    public static void Create(string path, long size, params (long Offset, byte[] Bytes)[] data)
    {
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        foreach (var (offset, bytes) in data)
        {
            RandomAccess.Write(handle, bytes, offset);
        }

        RandomAccess.SetLength(handle, size);
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of an existing file.</summary>
    public static void WriteAt(string path, long offset, byte[] bytes)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, bytes, offset);
    }

    /// <summary>
    /// Checks that <paramref name="path"/> is <paramref name="size"/> bytes of zeros but for <paramref name="data"/>, without
    /// reading its holes: only the regions SEEK_DATA reports are read (and compared with the expected bytes there), and they
    /// must not hold more than <paramref name="maxData"/> bytes, so the file kept its holes.
    /// </summary>
    public static void AssertContent(string path, long size, long maxData, params (long Offset, byte[] Bytes)[] data)
    {
        Assert.Equal(size, new FileInfo(path).Length);
        var map = EntrySource.FromSparseFile(path).SparseMap;
        Assert.NotNull(map);
        Assert.True(map.DataLength <= maxData, $"'{path}' holds {map.DataLength} bytes of data; at most {maxData} expected (its holes were filled)");
        foreach (var (offset, bytes) in data)
        {
            Assert.Contains(map.Regions, r => r.Offset <= offset && offset + bytes.Length <= r.Offset + r.Length);
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        foreach (var region in map.Regions)
        {
            var actual = new byte[region.Length];
            Assert.Equal(actual.Length, RandomAccess.Read(handle, actual, region.Offset));
            var expected = new byte[region.Length];
            foreach (var (offset, bytes) in data)
            {
                var from = Math.Max(offset, region.Offset);
                var to = Math.Min(offset + bytes.Length, region.Offset + region.Length);
                if (from < to)
                {
                    bytes.AsSpan((int)(from - offset), (int)(to - from)).CopyTo(expected.AsSpan((int)(from - region.Offset)));
                }
            }

            Assert.True(expected.AsSpan().SequenceEqual(actual), $"'{path}': the data region ({region.Offset}, {region.Length}) differs from what was archived");
        }
    }
}
