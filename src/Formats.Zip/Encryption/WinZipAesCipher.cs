using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Formats.Zip.Encryption;

/// <summary>
/// WinZip AES-256 (the AE-x specification): a random 16-byte salt; PBKDF2-HMAC-SHA1 over the password and salt, 1000
/// iterations, gives 66 bytes: the AES key, the HMAC key and a 2-byte password verifier. The data is encrypted with
/// AES-256 in counter mode, WinZip's variant: the counter is a little-endian number in the block, starting at 1. The
/// authentication code is HMAC-SHA1 over the encrypted data, its first 10 bytes after the data.
/// </summary>
internal sealed class WinZipAesCipher : ZipCipher
{
    public const int SaltLength = 16;

    public const int VerifierLength = 2;

    public const int AuthenticationCodeLength = 10;

    public const int KeyLength = 32;

    public const int Iterations = 1000;

    private const int BlockLength = 16;

    private readonly byte[] _salt = new byte[SaltLength];
    private readonly byte[] _verifier;
    private readonly Aes _aes;
    private readonly IncrementalHash _hmac;

    // The unused end of the last keystream block: a piece that ends inside a block continues it.
    private readonly byte[] _keystream = new byte[BlockLength];
    private int _keystreamUsed = BlockLength;
    private ulong _counter;

    public WinZipAesCipher(ZipEncryption encryption)
    {
        encryption.FillRandom(_salt);
        var keys = DeriveKeys(encryption.Password, _salt);
        try
        {
            _aes = Aes.Create();
            _aes.SetKey(keys.AsSpan(0, KeyLength));
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.AsSpan(KeyLength, KeyLength));
            _verifier = keys.AsSpan(2 * KeyLength, VerifierLength).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    public override int HeaderLength => SaltLength + VerifierLength;

    public override int TrailerLength => AuthenticationCodeLength;

    /// <summary>The 66 bytes PBKDF2-HMAC-SHA1 derives: AES key, HMAC key, password verifier.</summary>
    public static byte[] DeriveKeys(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA1, (2 * KeyLength) + VerifierLength);

    public override void Dispose()
    {
        _aes.Dispose();
        _hmac.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }

    protected override int WriteHeader(Span<byte> destination)
    {
        _salt.CopyTo(destination);
        _verifier.CopyTo(destination[SaltLength..]);
        return HeaderLength;
    }

    protected override void Encrypt(ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        var i = 0;
        while (_keystreamUsed < BlockLength && i < plain.Length)
        {
            destination[i] = (byte)(plain[i] ^ _keystream[_keystreamUsed++]);
            i++;
        }

        // Whole blocks: their counter blocks are written where the output goes, encrypted there in one call, and the
        // plain bytes XORed in.
        var whole = (plain.Length - i) / BlockLength * BlockLength;
        if (whole > 0)
        {
            var blocks = destination.Slice(i, whole);
            FillCounters(blocks);
            _aes.EncryptEcb(blocks, blocks, PaddingMode.None);
            Xor(blocks, plain.Slice(i, whole));
            i += whole;
        }

        if (i < plain.Length)
        {
            FillCounters(_keystream);
            _aes.EncryptEcb(_keystream, _keystream, PaddingMode.None);
            _keystreamUsed = 0;
            while (i < plain.Length)
            {
                destination[i] = (byte)(plain[i] ^ _keystream[_keystreamUsed++]);
                i++;
            }
        }

        _hmac.AppendData(destination[..plain.Length]);
    }

    protected override int WriteTrailer(Span<byte> destination)
    {
        Span<byte> code = stackalloc byte[SHA1.HashSizeInBytes];
        _hmac.GetHashAndReset(code);
        code[..AuthenticationCodeLength].CopyTo(destination);
        return AuthenticationCodeLength;
    }

    /// <summary>The next counter blocks: a 128-bit little-endian number, the first block of a member being 1.</summary>
    private void FillCounters(Span<byte> blocks)
    {
        for (var at = 0; at < blocks.Length; at += BlockLength)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(blocks[at..], ++_counter);
            BinaryPrimitives.WriteUInt64LittleEndian(blocks[(at + 8)..], 0);
        }
    }
}
