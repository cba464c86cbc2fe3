using System.IO.Compression;
using Formats.Zip.Encoding;

namespace Formats.Tests;

/// <summary>
/// The fastest level's encoder for small chunks: every output is checked by inflating it with zlib-ng, and its size
/// against what zlib-ng writes at the same level.
/// </summary>
public sealed class FixedHuffmanDeflateTests
{
    private static byte[] Encode(ReadOnlySpan<byte> input)
    {
        var output = new byte[FixedHuffmanDeflate.OutputRoom(input.Length)];
        return output[..FixedHuffmanDeflate.Encode(input, output)];
    }

    private static byte[] Inflate(byte[] deflate)
    {
        using var inflater = new DeflateStream(new MemoryStream(deflate), CompressionMode.Decompress);
        var plain = new MemoryStream();
        inflater.CopyTo(plain);
        return plain.ToArray();
    }

    private static byte[] ZlibFastest(byte[] input)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = 1 }, leaveOpen: true))
        {
            deflate.Write(input);
        }

        return output.ToArray();
    }

    /// <summary>Inputs with few symbols, runs, repeats at every distance and length, and noise: what a hash-matching encoder can get wrong.</summary>
    private static byte[] Shaped(Random random, int length)
    {
        var bytes = new byte[length];
        var alphabet = random.Next(1, 257);
        for (var at = 0; at < length;)
        {
            var run = Math.Min(length - at, random.Next(1, 300));
            switch (random.Next(4))
            {
                case 0 when at > 0:
                    // A copy from earlier: any distance, any length, overlapping its own source too.
                    var from = random.Next(0, at);
                    for (var i = 0; i < run; i++)
                    {
                        bytes[at + i] = bytes[from + i];
                    }

                    break;
                case 1:
                    bytes.AsSpan(at, run).Fill((byte)random.Next(alphabet));
                    break;
                default:
                    for (var i = 0; i < run; i++)
                    {
                        bytes[at + i] = (byte)random.Next(alphabet);
                    }

                    break;
            }

            at += run;
        }

        return bytes;
    }

    [Fact]
    public void Every_output_inflates_to_its_input()
    {
        var random = new Random(20261201);
        var lengths = Enumerable.Range(0, 10).Concat([255, 256, 257, 258, 259, 4095, 4096, FixedHuffmanDeflate.MaxInput - 1, FixedHuffmanDeflate.MaxInput])
            .Concat(Enumerable.Range(0, 3000).Select(_ => random.Next(0, FixedHuffmanDeflate.MaxInput + 1)));
        foreach (var length in lengths)
        {
            var input = Shaped(random, length);
            Assert.True(input.AsSpan().SequenceEqual(Inflate(Encode(input))), $"length {length}");
        }
    }

    [Fact]
    public void Empty_input_is_the_empty_final_block_zlib_writes()
    {
        Assert.Equal([0x03, 0x00], Encode([]));
    }

    [Fact]
    public void Incompressible_input_is_one_stored_block_five_bytes_longer()
    {
        var noise = new byte[FixedHuffmanDeflate.MaxInput];
        new Random(7).NextBytes(noise);
        var encoded = Encode(noise);
        Assert.Equal(noise.Length + 5, encoded.Length);
        Assert.Equal(0b001, encoded[0]);
        Assert.Equal(noise, Inflate(encoded));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(FixedHuffmanDeflate.MaxInput)]
    public void Text_is_within_one_percent_of_zlib_ng_at_the_fastest_level(int length)
    {
        // Source code and log-like text, cut at many offsets: the sizes summed over the pieces.
        var text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i =>
            $"{i:D6} INFO request id={i * 7919 % 1000} user=u{i % 37} bytes={i * 31 % 4096} path=/files/{i % 11}/report.csv\n")));
        long ours = 0, zlib = 0;
        for (var at = 0; at + length <= text.Length && at < 64 * length; at += length)
        {
            var piece = text.AsSpan(at, length).ToArray();
            ours += Encode(piece).Length;
            zlib += ZlibFastest(piece).Length;
        }

        Assert.InRange(ours, 0, zlib * 1.01);
    }

    [Fact]
    public void Same_input_gives_the_same_bytes()
    {
        var input = Shaped(new Random(3), 5000);
        Assert.Equal(Encode(input), Encode(input.ToArray()));
    }

    [Fact]
    public void Input_longer_than_the_limit_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedHuffmanDeflate.Encode(new byte[FixedHuffmanDeflate.MaxInput + 1], new byte[FixedHuffmanDeflate.OutputRoom(FixedHuffmanDeflate.MaxInput + 1)]));
    }
}
