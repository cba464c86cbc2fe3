using Formats.Zip.Encoding;

namespace Formats.Tests;

public sealed class Crc32Tests
{
    public static TheoryData<bool> Paths => new() { false, true };

    private static void SkipWithoutNative(bool native)
    {
        if (native && !Crc32Accumulator.UsesNative)
        {
            // The runtime's zlib-ng export is missing here; the managed path serves, and is held to the same values.
            Assert.Skip("the runtime's zlib-ng CRC-32 export is not available on this platform");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Streaming_crc_of_either_path_equals_system_io_hashing_for_any_split_of_any_content(bool native)
    {
        SkipWithoutNative(native);
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(0, 300_000)];
            random.NextBytes(data);
            var crc = new Crc32Accumulator(native);
            for (var at = 0; at < data.Length;)
            {
                var n = Math.Min(random.Next(1, 70_000), data.Length - at);
                crc.Append(data.AsSpan(at, n));
                at += n;
            }

            // System.IO.Hashing's one-shot CRC-32, itself held to the bitwise definition below.
            Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(data), crc.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Streaming_crc_of_either_path_equals_the_bitwise_definition_on_a_short_content(bool native)
    {
        SkipWithoutNative(native);
        var data = new byte[5000];
        new Random(11).NextBytes(data);
        var crc = new Crc32Accumulator(native);
        foreach (var (at, n) in new[] { (0, 1), (1, 63), (64, 1000), (1064, 3936) })
        {
            crc.Append(data.AsSpan(at, n));
        }

        Assert.Equal(Reference(data), crc.Value);
        Assert.Equal(Reference(data), System.IO.Hashing.Crc32.HashToUInt32(data));
    }

    [Fact]
    public void Reference_gives_the_check_value_of_the_crc_catalogue()
    {
        Assert.Equal(0xCBF43926u, Reference("123456789"u8.ToArray()));
    }

    /// <summary>The bitwise definition of CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320).</summary>
    private static uint Reference(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
