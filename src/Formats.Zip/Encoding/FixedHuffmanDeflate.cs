using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Formats.Zip.Encoding;

/// <summary>
/// A whole small input as one final deflate block with the fixed Huffman codes (RFC 1951 3.2.6), or one stored block
/// when that is shorter: what zlib-ng's fastest level writes too (fixed codes, one hash probe per position, no chains),
/// without creating a zlib stream, whose 300 KB of state cost more than compressing a few KiB. Matches are found
/// greedily with a hash table of 4-byte prefixes sized by the input's length, so the bytes depend on the input alone.
/// </summary>
internal static class FixedHuffmanDeflate
{
    /// <summary>Inputs up to this length are encoded here at the fastest level; longer ones by zlib-ng.</summary>
    public const int MaxInput = 16 * 1024;

    private const int MinMatch = 4;
    private const int MaxMatch = 258;
    private const int MaxDistance = 32 * 1024;
    private const int EndOfBlock = 256;

    /// <summary>A stored block's overhead: its 3 header bits padded to a byte, then LEN and NLEN.</summary>
    private const int StoredOverhead = 5;

    /// <summary>Fixed literal/length codes, bit-reversed for LSB-first output, and their lengths (RFC 1951 3.2.6).</summary>
    private static readonly ushort[] SymbolCode = new ushort[288];
    private static readonly byte[] SymbolBits = new byte[288];

    /// <summary>For a match length minus 3: its length code's Huffman bits with the extra bits above them, and the total bit count.</summary>
    private static readonly uint[] LengthCode = new uint[256];
    private static readonly byte[] LengthBits = new byte[256];

    /// <summary>The 30 distance codes' fixed 5-bit codes, bit-reversed.</summary>
    private static readonly byte[] DistanceCode = new byte[30];

#pragma warning disable CA1810 // the tables are computed, not listed: one loop each is clearer than 800 literals
    static FixedHuffmanDeflate()
#pragma warning restore CA1810
    {
        for (var symbol = 0; symbol < 288; symbol++)
        {
            var (code, bits) = symbol switch
            {
                < 144 => (0x30 + symbol, 8),
                < 256 => (0x190 + symbol - 144, 9),
                < 280 => (symbol - 256, 7),
                _ => (0xC0 + symbol - 280, 8),
            };
            SymbolCode[symbol] = (ushort)Reverse(code, bits);
            SymbolBits[symbol] = (byte)bits;
        }

        for (var x = 0; x < 256; x++)
        {
            // Lengths 3-10 have codes 257-264 and no extra bits; then each code covers 2^extra lengths, four codes per
            // extra bit count; 258 has its own code, 285.
            int symbol, extra, value;
            if (x < 8)
            {
                (symbol, extra, value) = (257 + x, 0, 0);
            }
            else if (x == 255)
            {
                (symbol, extra, value) = (285, 0, 0);
            }
            else
            {
                var log = BitOperations.Log2((uint)x);
                extra = log - 2;
                symbol = 257 + (4 * (log - 1)) + ((x >> extra) & 3);
                value = x & ((1 << extra) - 1);
            }

            LengthCode[x] = SymbolCode[symbol] | ((uint)value << SymbolBits[symbol]);
            LengthBits[x] = (byte)(SymbolBits[symbol] + extra);
        }

        for (var code = 0; code < DistanceCode.Length; code++)
        {
            DistanceCode[code] = (byte)Reverse(code, 5);
        }
    }

    /// <summary>
    /// The room <see cref="Encode"/> needs for an input of <paramref name="length"/> bytes: the stored form, the longest
    /// result, plus what the bit writer may put down past it before it gives up on the fixed codes.
    /// </summary>
    public static int OutputRoom(int length) => length + StoredOverhead + 16;

    /// <summary>
    /// Writes <paramref name="input"/> (at most <see cref="MaxInput"/> bytes) as a complete deflate stream of one final
    /// block to <paramref name="output"/> (at least <see cref="OutputRoom"/> bytes); returns the bytes written, at most
    /// the input's length plus 5.
    /// </summary>
    [SkipLocalsInit]
    public static int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length > MaxInput)
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.Length, $"at most {MaxInput} bytes");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, OutputRoom(input.Length), nameof(output));

        // Fixed codes take up to 9 bits per literal: they give up as soon as they reach the stored form's length.
        var encoded = EncodeFixed(input, output, limit: input.Length + StoredOverhead);
        return encoded >= 0 ? encoded : WriteStored(input, output);
    }

    /// <summary>The fixed-code block, or -1 once it is as long as <paramref name="limit"/> (the stored form is no longer).</summary>
    [SkipLocalsInit]
    private static int EncodeFixed(ReadOnlySpan<byte> input, Span<byte> output, int limit)
    {
        var hashBits = Math.Clamp(BitOperations.Log2((uint)Math.Max(input.Length, 1)) + 1, 10, 14);
        Span<int> table = stackalloc int[1 << hashBits];
        table.Clear();

        var writer = new BitWriter(output);

        // BFINAL = 1, BTYPE = 01: fixed Huffman codes.
        writer.Write(0b011, 3);
        var at = 0;
        var lastStart = input.Length - MinMatch;
        while (at <= lastStart)
        {
            var prefix = BinaryPrimitives.ReadUInt32LittleEndian(input[at..]);
            var slot = (int)((prefix * 2654435761u) >> (32 - hashBits));

            // Positions are kept plus one, so that 0 is an empty slot.
            var candidate = table[slot] - 1;
            table[slot] = at + 1;
            if (candidate >= 0 && at - candidate <= MaxDistance && BinaryPrimitives.ReadUInt32LittleEndian(input[candidate..]) == prefix)
            {
                var most = Math.Min(MaxMatch, input.Length - at);
                var length = MinMatch + input.Slice(candidate + MinMatch, most - MinMatch).CommonPrefixLength(input.Slice(at + MinMatch, most - MinMatch));
                writer.Write(LengthCode[length - 3], LengthBits[length - 3]);
                WriteDistance(ref writer, at - candidate);
                at += length;
            }
            else
            {
                writer.Write(SymbolCode[input[at]], SymbolBits[input[at]]);
                at++;
            }

            if (writer.Written >= limit)
            {
                return -1;
            }
        }

        for (; at < input.Length && writer.Written < limit; at++)
        {
            writer.Write(SymbolCode[input[at]], SymbolBits[input[at]]);
        }

        writer.Write(SymbolCode[EndOfBlock], SymbolBits[EndOfBlock]);
        var written = writer.Finish();
        return written < limit ? written : -1;
    }

    /// <summary>Distance codes 0-29 are fixed 5-bit codes; codes 4 and up carry extra bits (RFC 1951 3.2.5).</summary>
    private static void WriteDistance(ref BitWriter writer, int distance)
    {
        var x = (uint)(distance - 1);
        if (x < 4)
        {
            writer.Write(DistanceCode[x], 5);
            return;
        }

        var log = BitOperations.Log2(x);
        var extra = log - 1;
        var code = (2 * log) + (int)((x >> extra) & 1);
        writer.Write(DistanceCode[code] | ((x & ((1u << extra) - 1)) << 5), 5 + extra);
    }

    /// <summary>One final stored block: BFINAL = 1, BTYPE = 00, padding to the byte, LEN, NLEN, the bytes.</summary>
    private static int WriteStored(ReadOnlySpan<byte> input, Span<byte> output)
    {
        output[0] = 0b001;
        BinaryPrimitives.WriteUInt16LittleEndian(output[1..], (ushort)input.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(output[3..], (ushort)~input.Length);
        input.CopyTo(output[StoredOverhead..]);
        return StoredOverhead + input.Length;
    }

    /// <summary>The low <paramref name="bits"/> bits of <paramref name="code"/> in reverse order: Huffman codes go out most significant bit first.</summary>
    private static uint Reverse(int code, int bits)
    {
        var reversed = 0u;
        for (var i = 0; i < bits; i++)
        {
            reversed = (reversed << 1) | (((uint)code >> i) & 1);
        }

        return reversed;
    }

    /// <summary>Deflate's bit order: values go in least significant bit first, bytes out little-endian.</summary>
    private ref struct BitWriter(Span<byte> output)
    {
        private readonly Span<byte> _output = output;
        private ulong _bits;
        private int _count;
        private int _at;

        /// <summary>Whole bytes written so far.</summary>
        public readonly int Written => _at;

        public void Write(uint value, int count)
        {
            _bits |= (ulong)value << _count;
            _count += count;
            if (_count >= 32)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(_output[_at..], (uint)_bits);
                _at += 4;
                _bits >>= 32;
                _count -= 32;
            }
        }

        /// <summary>Writes the bits left, the last byte padded with zeros; returns the length.</summary>
        public int Finish()
        {
            while (_count > 0)
            {
                _output[_at++] = (byte)_bits;
                _bits >>= 8;
                _count -= 8;
            }

            return _at;
        }
    }
}
