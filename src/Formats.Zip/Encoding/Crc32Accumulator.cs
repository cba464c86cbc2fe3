using System.Runtime.InteropServices;

namespace Formats.Zip.Encoding;

/// <summary>
/// CRC-32 (ISO-HDLC, as zip uses it) of content as it streams. Uses zlib-ng's folded CRC that the runtime ships for
/// System.IO.Compression (about 2.5x System.IO.Hashing on CPUs with VPCLMULQDQ, see docs/benchmarks.md) when that
/// export is there, and System.IO.Hashing otherwise; both give the same value (tested).
/// </summary>
internal sealed partial class Crc32Accumulator
{
    private static readonly bool NativeAvailable = ProbeNative();

    private readonly System.IO.Hashing.Crc32? _managed;
    private uint _native;

    /// <summary>An accumulator on the runtime's zlib-ng CRC when it is there, else on System.IO.Hashing.</summary>
    public Crc32Accumulator()
        : this(native: NativeAvailable)
    {
    }

    /// <summary>An accumulator on the path named (for tests that hold the two paths to each other).</summary>
    internal Crc32Accumulator(bool native)
    {
        if (native && !NativeAvailable)
        {
            throw new PlatformNotSupportedException("the runtime's zlib-ng CRC-32 export is not available here");
        }

        _managed = native ? null : new();
    }

    /// <summary>True when the runtime's zlib-ng CRC is used.</summary>
    public static bool UsesNative => NativeAvailable;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_managed is not null)
        {
            _managed.Append(data);
            return;
        }

        _native = NativeCrc32(_native, data);
    }

    /// <summary>The CRC-32 of <paramref name="data"/> alone.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        NativeAvailable ? NativeCrc32(0, data) : System.IO.Hashing.Crc32.HashToUInt32(data);

    public uint Value => _managed?.GetCurrentHashAsUInt32() ?? _native;

    private static unsafe uint NativeCrc32(uint crc, ReadOnlySpan<byte> data)
    {
        fixed (byte* pointer = data)
        {
            return CompressionNativeCrc32(crc, pointer, data.Length);
        }
    }

    private static bool ProbeNative()
    {
        try
        {
            // A known answer: CRC-32 of "123456789" is 0xCBF43926.
            return NativeCrc32(0, "123456789"u8) == 0xCBF43926;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport("libSystem.IO.Compression.Native", EntryPoint = "CompressionNative_Crc32")]
    private static unsafe partial uint CompressionNativeCrc32(uint crc, byte* buffer, int length);
}
