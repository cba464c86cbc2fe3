namespace Formats.Zip.Encryption;

/// <summary>
/// Traditional PKWARE encryption (APPNOTE 6.1): three 32-bit keys initialised from the password and updated by every
/// plain byte; a 12-byte encryption header (11 random bytes and a check byte) is encrypted before the data. The check
/// byte is the high byte of the CRC-32, or of the DOS time when the CRC follows the data (bit 3, APPNOTE 6.1.6).
/// Weak by design: kept only for readers that know nothing else.
/// </summary>
internal sealed class ZipCryptoCipher : ZipCipher
{
    public const int EncryptionHeaderLength = 12;

    /// <summary>CRC-32 table (polynomial 0xEDB88320), as the key update uses it byte by byte.</summary>
    private static readonly uint[] CrcTable = CreateCrcTable();

    private readonly byte[] _header = new byte[EncryptionHeaderLength];
    private uint _key0 = 0x12345678;
    private uint _key1 = 0x23456789;
    private uint _key2 = 0x34567890;

    public ZipCryptoCipher(ZipEncryption encryption, byte checkByte)
    {
        foreach (var b in encryption.Password)
        {
            UpdateKeys(b);
        }

        encryption.FillRandom(_header.AsSpan(0, EncryptionHeaderLength - 1));
        _header[^1] = checkByte;
    }

    public override int HeaderLength => EncryptionHeaderLength;

    public override int TrailerLength => 0;

    public override void Dispose()
    {
        _key0 = _key1 = _key2 = 0;
        Array.Clear(_header);
    }

    protected override int WriteHeader(Span<byte> destination)
    {
        Encrypt(_header, destination);
        return EncryptionHeaderLength;
    }

    protected override void Encrypt(ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        for (var i = 0; i < plain.Length; i++)
        {
            var temp = (_key2 | 2) & 0xFFFF;
            var p = plain[i];
            destination[i] = (byte)(p ^ (byte)((temp * (temp ^ 1)) >> 8));
            UpdateKeys(p);
        }
    }

    protected override int WriteTrailer(Span<byte> destination) => 0;

    private void UpdateKeys(byte plain)
    {
        _key0 = Crc(_key0, plain);
        _key1 = ((_key1 + (_key0 & 0xFF)) * 134775813) + 1;
        _key2 = Crc(_key2, (byte)(_key1 >> 24));
    }

    private static uint Crc(uint crc, byte b) => (crc >> 8) ^ CrcTable[(byte)(crc ^ b)];

    private static uint[] CreateCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
