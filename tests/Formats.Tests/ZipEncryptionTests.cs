using Formats.Zip;
using Formats.Zip.Records;
using SharpCompress.Archives.Zip;
using SharpCompress.Readers;
using static Formats.Testing.ZipTestHelpers;

namespace Formats.Tests;

/// <summary>
/// Encrypted members: WinZip AES-256 (AE-2) byte for byte as 7-Zip writes it for the same salt, the header fields, a
/// round trip through SharpCompress, ZipCrypto, the buffers of an aborted archive, and plans that refuse.
/// </summary>
public sealed class ZipEncryptionTests
{
    private const int MiB = 1024 * 1024;
    private const string Password = "Secret";

    /// <summary>
    /// The data of member kat.txt ("Known answer for WinZip AES-256 from 7-Zip.\n", 44 bytes, stored), made with
    /// <c>7zz a -tzip -mem=AES256 -mx=0 -pSecret kat.zip kat.txt</c> (7-Zip 26.02): salt (16), verifier (2), the encrypted
    /// content (44) and the authentication code (10).
    /// </summary>
    private const string SevenZipMemberHex =
        "02598be89889788c25d89d7be55d023a" + "dc0e"
        + "fe27c302f5871bfc502d39e0217ad7cf761f0f606e61ba11afe5c0bbdca9f28b9f9e4dd65212c25b62c903c3"
        + "21d83d82a742f37f9a44";

    private static ZipEncryption Aes(byte[]? salt = null)
    {
        var encryption = ZipEncryption.Aes256(Password);
        if (salt is not null)
        {
            // The test seam: the salt 7-Zip chose, so that every byte after it must agree.
            encryption.FillRandom = span => salt.AsSpan(0, span.Length).CopyTo(span);
        }

        return encryption;
    }

    [Fact]
    public async Task Aes_member_is_byte_for_byte_what_7zip_writes_for_the_same_salt()
    {
        var expected = Convert.FromHexString(SevenZipMemberHex);
        var content = "Known answer for WinZip AES-256 from 7-Zip.\n"u8.ToArray();
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("kat.txt"), EntrySource.FromBytes(content)).AsTask(),
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Encryption = Aes(expected[..16]) });

        var entry = ZipInspector.Inspect(zip).Entries.Single();
        Assert.Equal(expected, zip.AsSpan((int)entry.DataOffset, (int)entry.CompressedSize).ToArray());
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Stored, 0)]
    [InlineData(ZipCompressionMethod.Deflate, 8)]
    [InlineData(ZipCompressionMethod.Zstandard, 93)]
    public async Task Aes_member_has_method_99_the_0x9901_extra_in_both_headers_flag_0_version_51_and_crc_0(ZipCompressionMethod method, ushort actual)
    {
        var content = SyntheticStream.Bytes(100_000, seed: 3, compressible: true);
        var zip = await WriteZipAsync(
            async z =>
            {
                await z.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromBytes(content));
                await z.AddEntryAsync(ArchiveEntry.Directory("dir"));
                await z.AddEntryAsync(ArchiveEntry.SymbolicLink("dir/link", "../a.txt"));
            },
            new ZipWriterOptions { Method = method, Encryption = Aes() });

        var entries = ZipInspector.Inspect(zip).Entries;
        var file = entries.Single(e => e.Name == "a.txt");
        Assert.Equal(99, file.Central.CompressionMethod);
        Assert.Equal(1, file.Central.GeneralPurposeBitFlag & 1);
        Assert.Equal(method == ZipCompressionMethod.Zstandard ? 63 : 51, file.Central.VersionNeededToExtract);
        Assert.Equal(0u, file.Central.Crc32);
        foreach (var extras in new[] { file.LocalExtras, file.CentralExtras })
        {
            var aes = WinZipAesExtraField.Read([.. BitConverter.GetBytes((ushort)0x9901), .. BitConverter.GetBytes((ushort)7), .. extras[0x9901]]);
            Assert.Equal(2, aes.VendorVersion);
            Assert.Equal(3, aes.Strength);
            Assert.Equal(actual, aes.CompressionMethod);
        }

        // Stored with a known length: sizes up front (AE-2 needs no CRC), no descriptor; salt, verifier and code count.
        Assert.Equal(method != ZipCompressionMethod.Stored, file.DescriptorLength != 0);
        if (method == ZipCompressionMethod.Stored)
        {
            Assert.Equal(content.Length + 28, file.CompressedSize);
        }

        // Directories carry no data and symbolic links a target (metadata, like a name): neither is encrypted.
        foreach (var plain in entries.Where(e => e.Name is "dir/" or "dir/link"))
        {
            Assert.Equal(0, plain.Central.GeneralPurposeBitFlag & 1);
            Assert.Equal(0, plain.Central.CompressionMethod);
            Assert.False(plain.CentralExtras.ContainsKey(0x9901));
        }
    }

    /// <summary>
    /// SharpCompress 0.50 decrypts only members whose sizes are in the local header (it refuses encrypted members with a
    /// data descriptor, even from a seekable stream): stored members of known length, with a declared CRC-32 for ZipCrypto.
    /// The descriptor forms are read by 7-Zip and libarchive (InteropTests).
    /// </summary>
    [Theory]
    [InlineData("aes")]
    [InlineData("zipcrypto")]
    public async Task SharpCompress_decrypts_stored_members_of_known_length(string encryption)
    {
        var contents = new Dictionary<string, byte[]>
        {
            ["small.txt"] = SyntheticStream.Bytes(5_000, seed: 1, compressible: true),
            ["noise.bin"] = SyntheticStream.Bytes(70_000, seed: 2),
            ["big.txt"] = SyntheticStream.Bytes((3 * MiB) + 17, seed: 3, compressible: true),
            ["empty.txt"] = [],
        };
        var options = new ZipWriterOptions
        {
            Method = ZipCompressionMethod.Stored,
            MaxDegreeOfParallelism = 2,
            Encryption = encryption == "aes" ? ZipEncryption.Aes256(Password) : ZipEncryption.ZipCrypto(Password),
        };
        var zip = await WriteZipAsync(
            async z =>
            {
                foreach (var (name, content) in contents)
                {
                    var crc = encryption == "aes" ? (uint?)null : System.IO.Hashing.Crc32.HashToUInt32(content);
                    await z.AddEntryAsync(new ArchiveEntry(name) { Crc32 = crc }, EntrySource.FromBytes(content));
                }
            },
            options);

        Assert.All(ZipInspector.Inspect(zip).Entries, e => Assert.Equal(0, e.DescriptorLength));
        using var archive = ZipArchive.OpenArchive(new MemoryStream(zip), new ReaderOptions { Password = Password });
        var read = 0;
        foreach (var entry in archive.Entries)
        {
            Assert.True(entry.IsEncrypted, entry.Key);
            using var s = entry.OpenEntryStream();
            var ms = new MemoryStream();
            await s.CopyToAsync(ms);
            Assert.Equal(contents[entry.Key!], ms.ToArray());
            read++;
        }

        Assert.Equal(contents.Count, read);
    }

    [Fact]
    public async Task Aes_member_with_a_wrong_password_fails_in_SharpCompress()
    {
        var zip = await WriteZipAsync(
            z => z.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromBytes(new byte[1000])).AsTask(),
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Encryption = Aes() });
        using var archive = ZipArchive.OpenArchive(new MemoryStream(zip), new ReaderOptions { Password = "wrong" });
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var s = archive.Entries.Single().OpenEntryStream();
            await s.CopyToAsync(Stream.Null);
        });
    }

    [Fact]
    public async Task Every_member_gets_its_own_salt()
    {
        var content = new byte[100];
        var zip = await WriteZipAsync(
            async z =>
            {
                await z.AddEntryAsync(new ArchiveEntry("a"), EntrySource.FromBytes(content));
                await z.AddEntryAsync(new ArchiveEntry("b"), EntrySource.FromBytes(content));
            },
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Encryption = Aes() });
        var data = ZipInspector.Inspect(zip).Entries.Select(e => zip.AsSpan((int)e.DataOffset, (int)e.CompressedSize).ToArray()).ToArray();
        Assert.NotEqual(data[0][..16], data[1][..16]);
        Assert.NotEqual(data[0][18..^10], data[1][18..^10]);
    }

    [Fact]
    public async Task ZipCrypto_check_byte_is_the_crc_high_byte_up_front_and_the_time_high_byte_with_a_descriptor()
    {
        var content = SyntheticStream.Bytes(1000, seed: 8);
        var crc = System.IO.Hashing.Crc32.HashToUInt32(content);
        var zip = await WriteZipAsync(
            async z =>
            {
                await z.AddEntryAsync(new ArchiveEntry("declared") { Crc32 = crc, LastModified = Time }, EntrySource.FromBytes(content));
                await z.AddEntryAsync(new ArchiveEntry("streamed") { LastModified = Time }, EntrySource.FromStream(new ForwardOnlyStream(content)));
            },
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Encryption = ZipEncryption.ZipCrypto(Password) });

        var entries = ZipInspector.Inspect(zip).Entries;
        var declared = entries.Single(e => e.Name == "declared");
        Assert.Equal(0, declared.DescriptorLength);
        Assert.Equal(crc, declared.Central.Crc32);
        Assert.Equal(content.Length + 12, declared.CompressedSize);
        Assert.Equal((byte)(crc >> 24), DecryptedHeader(zip, declared)[11]);
        var streamed = entries.Single(e => e.Name == "streamed");
        Assert.NotEqual(0, streamed.DescriptorLength);
        Assert.Equal((byte)(streamed.Local.LastModFileTime >> 8), DecryptedHeader(zip, streamed)[11]);
        Assert.Equal(20, declared.Central.VersionNeededToExtract);
    }

    /// <summary>The 12-byte ZipCrypto header decrypted with the password (APPNOTE 6.1.5), written here independently.</summary>
    private static byte[] DecryptedHeader(byte[] zip, InspectedEntry entry)
    {
        uint k0 = 0x12345678, k1 = 0x23456789, k2 = 0x34567890;
        void Update(byte b)
        {
            k0 = Crc(k0, b);
            k1 = ((k1 + (k0 & 0xFF)) * 134775813) + 1;
            k2 = Crc(k2, (byte)(k1 >> 24));
        }

        static uint Crc(uint crc, byte b)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }

            return crc;
        }

        foreach (var b in System.Text.Encoding.ASCII.GetBytes(Password))
        {
            Update(b);
        }

        var header = zip.AsSpan((int)entry.DataOffset, 12).ToArray();
        for (var i = 0; i < 12; i++)
        {
            var t = (k2 | 2) & 0xFFFF;
            header[i] ^= (byte)((t * (t ^ 1)) >> 8);
            Update(header[i]);
        }

        return header;
    }

    [Theory]
    [InlineData(ZipCompressionMethod.Deflate)]
    [InlineData(ZipCompressionMethod.Zstandard)]
    [InlineData(ZipCompressionMethod.Stored)]
    public async Task Aborted_encrypted_archive_gives_back_every_buffer(ZipCompressionMethod method)
    {
        var zip = new ZipArchiveWriter(new AsyncOnlyStream(), new ZipWriterOptions { Method = method, MaxDegreeOfParallelism = 2, Encryption = Aes() });
        for (var i = 0; i < 20; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"small{i}.txt"), EntrySource.FromBytes(SyntheticStream.Bytes(50_000, seed: i)));
        }

        var failing = EntrySource.FromDelegate((_, _) => ValueTask.FromResult<Stream>(new SyntheticStream(8 * MiB, seed: 9, failAfter: 5 * MiB)));
        await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry("big.bin"), failing));
        await zip.DisposeAsync();
        Assert.Equal(0, zip.Buffers.Outstanding);
    }

    [Fact]
    public async Task Plans_refuse_encrypted_archives_and_say_why()
    {
        var plan = new ZipArchivePlan(
            [new ArchiveItem(new ArchiveEntry("a.txt") { Length = 3, Crc32 = 0x352441C2 }, EntrySource.FromBytes("abc"u8.ToArray()))],
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, Encryption = Aes() });

        var length = await plan.PredictLengthAsync();
        Assert.False(length.IsKnown);
        Assert.Contains("random salt", length.Reason, StringComparison.Ordinal);
        Assert.False((await plan.PredictRangeableLengthAsync()).IsKnown);
        await Assert.ThrowsAsync<ArchiveException>(async () => await plan.WriteRangeAsync(Stream.Null, 0, 10));
        Assert.Throws<ArchiveException>(() => plan.ETag);
    }

    [Fact]
    public void Password_is_never_shown_and_bad_passwords_are_refused()
    {
        Assert.DoesNotContain(Password, ZipEncryption.Aes256(Password).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ZipEncryption.ZipCrypto(Password).ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ZipEncryption.Aes256(""));
        Assert.Throws<ArgumentException>(() => ZipEncryption.ZipCrypto("pässword"));
        Assert.Equal(ZipEncryptionMethod.Aes256, ZipEncryption.Aes256("pässword").Method);
    }
}
