using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Formats.Streaming;

namespace Formats.Zip.Encryption;

/// <summary>
/// One member's encryption, between its encoder (or its plain bytes, when stored) and the archive output: a header
/// before the data (an AES salt and password verifier; ZipCrypto's 12 bytes), the data encrypted straight into the
/// output's memory, and a trailer (the AES authentication code). All of it counts as the member's compressed size.
/// Holds no pooled buffers; <see cref="Dispose"/> clears the keys.
/// </summary>
internal abstract class ZipCipher : IDisposable
{
    /// <summary>Ask the output for at least this much room per piece, so that block ciphers work on more than a few bytes at a time.</summary>
    private const int PieceHint = 4096;

    /// <summary>Bytes before the encrypted data.</summary>
    public abstract int HeaderLength { get; }

    /// <summary>Bytes after the encrypted data.</summary>
    public abstract int TrailerLength { get; }

    /// <summary>What encryption adds to a member's compressed size under <paramref name="method"/>.</summary>
    public static int Overhead(ZipEncryptionMethod method) => method switch
    {
        ZipEncryptionMethod.None => 0,
        ZipEncryptionMethod.Aes256 => WinZipAesCipher.SaltLength + WinZipAesCipher.VerifierLength + WinZipAesCipher.AuthenticationCodeLength,
        ZipEncryptionMethod.ZipCrypto => ZipCryptoCipher.EncryptionHeaderLength,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "an encryption method"),
    };

    /// <summary>The cipher of the member laid out as <paramref name="layout"/> (ZipCrypto's check byte depends on its form).</summary>
    public static ZipCipher Create(ZipEncryption encryption, in ZipEntryLayout layout) => encryption.Method switch
    {
        ZipEncryptionMethod.Aes256 => new WinZipAesCipher(encryption),
        ZipEncryptionMethod.ZipCrypto => new ZipCryptoCipher(encryption, layout.HasDescriptor ? (byte)(layout.Time.Dos.Time >> 8) : (byte)(layout.HeaderCrc32 >> 24)),
        _ => throw new ArgumentOutOfRangeException(nameof(encryption), encryption.Method, "an encryption method"),
    };

    /// <summary>Writes the header that precedes the data.</summary>
    public ValueTask WriteHeaderAsync(ArchiveOutput output, CancellationToken cancellationToken) =>
        output.WriteRecordAsync(HeaderLength, this, static (span, cipher) => cipher.WriteHeader(span), cancellationToken);

    /// <summary>Writes <paramref name="data"/> encrypted, piece by piece, into the output's own memory.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ArchiveOutput output, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var n = EncryptPiece(output, data.Span);
            data = data[n..];
            await output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the trailer that follows the data.</summary>
    public ValueTask WriteTrailerAsync(ArchiveOutput output, CancellationToken cancellationToken) =>
        TrailerLength == 0
            ? ValueTask.CompletedTask
            : output.WriteRecordAsync(TrailerLength, this, static (span, cipher) => cipher.WriteTrailer(span), cancellationToken);

    public abstract void Dispose();

    /// <summary>Fills <paramref name="destination"/> with the header; returns <see cref="HeaderLength"/>.</summary>
    protected abstract int WriteHeader(Span<byte> destination);

    /// <summary>Encrypts <paramref name="plain"/> into <paramref name="destination"/> (of the same length; they do not overlap).</summary>
    protected abstract void Encrypt(ReadOnlySpan<byte> plain, Span<byte> destination);

    /// <summary>Fills <paramref name="destination"/> with the trailer; returns <see cref="TrailerLength"/>.</summary>
    protected abstract int WriteTrailer(Span<byte> destination);

    /// <summary>XORs <paramref name="source"/> into <paramref name="destination"/>, a vector at a time.</summary>
    protected static void Xor(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<byte>.Count)
        {
            var d = MemoryMarshal.Cast<byte, Vector<byte>>(destination);
            var s = MemoryMarshal.Cast<byte, Vector<byte>>(source[..destination.Length]);
            for (var k = 0; k < d.Length; k++)
            {
                d[k] ^= s[k];
            }

            i = d.Length * Vector<byte>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] ^= source[i];
        }
    }

    private int EncryptPiece(ArchiveOutput output, ReadOnlySpan<byte> data)
    {
        var span = output.GetSpan(Math.Min(data.Length, PieceHint));
        var n = Math.Min(span.Length, data.Length);
        Encrypt(data[..n], span[..n]);
        output.Advance(n);
        return n;
    }
}
