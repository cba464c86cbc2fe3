using Formats.Zip.Encoding;

namespace Formats.Tests;

public sealed class Crc32Tests
{
    [Fact]
    public void Streaming_crc_equals_System_IO_Hashing_for_any_split_of_any_content()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(0, 300_000)];
            random.NextBytes(data);
            var crc = new Crc32Accumulator();
            for (var at = 0; at < data.Length;)
            {
                var n = Math.Min(random.Next(1, 70_000), data.Length - at);
                crc.Append(data.AsSpan(at, n));
                at += n;
            }

            Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(data), crc.Value);
        }
    }

    [Fact]
    public void Runtime_zlib_crc_is_found_on_this_platform()
    {
        // The fallback is tested above either way; this says which path the benchmarks measured.
        Assert.True(Crc32Accumulator.UsesNative);
    }
}
