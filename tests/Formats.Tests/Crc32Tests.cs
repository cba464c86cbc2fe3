using Formats.Zip.Encoding;

namespace Formats.Tests;

public sealed class Crc32Tests
{
    public static TheoryData<bool> Paths => new() { false, true };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Streaming_crc_of_either_path_equals_the_reference_for_any_split_of_any_content(bool native)
    {
        if (native && !Crc32Accumulator.UsesNative)
        {
            // The runtime's zlib-ng export is missing here; the managed path serves, and is held to the reference below.
            Assert.Skip("the runtime's zlib-ng CRC-32 export is not available on this platform");
        }

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

            // The reference: the bitwise definition of CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320).
            Assert.Equal(Reference(data), crc.Value);
        }
    }

    [Fact]
    public void Reference_gives_the_check_value_of_the_crc_catalogue()
    {
        Assert.Equal(0xCBF43926u, Reference("123456789"u8.ToArray()));
    }

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
