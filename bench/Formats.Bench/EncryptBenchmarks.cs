using BenchmarkDotNet.Attributes;
using Formats.Zip;

namespace Formats.Bench;

/// <summary>
/// What encryption costs: the same zip (1 GiB stored in 16 members, or 256 MiB of text deflated at level 6) unencrypted,
/// with WinZip AES-256 and with ZipCrypto, in one run; plus many small members, where the per-member key derivation
/// (PBKDF2, 1000 iterations) is the cost.
/// </summary>
[Config(typeof(BenchConfig))]
public class EncryptZip
{
    private const int Members = 16;
    private const int SmallMembers = 1000;
    private byte[] _member = [];
    private byte[] _text = [];
    private byte[] _small = [];

    [Params(ZipCompressionMethod.Stored, ZipCompressionMethod.Deflate)]
    public ZipCompressionMethod Compression { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _member = Data.Random(Data.Scaled(1L << 30) / Members);
        _text = Data.Text(Data.Scaled(256L << 20));
        _small = Data.Text(4096);
    }

    private async Task WriteAsync(ZipEncryption? encryption)
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchiveWriter(sink, new ZipWriterOptions { Method = Compression, Encryption = encryption });
        if (Compression == ZipCompressionMethod.Stored)
        {
            for (var i = 0; i < Members; i++)
            {
                await zip.AddEntryAsync(new ArchiveEntry($"m{i}"), EntrySource.FromBytes(_member));
            }
        }
        else
        {
            await zip.AddEntryAsync(new ArchiveEntry("text"), EntrySource.FromBytes(_text));
        }

        await zip.CompleteAsync();
    }

    [Benchmark(Baseline = true, Description = "not encrypted")]
    public Task Plain() => WriteAsync(null);

    [Benchmark(Description = "AES-256 (AE-2)")]
    public Task Aes256() => WriteAsync(ZipEncryption.Aes256("benchmark password"));

    [Benchmark(Description = "ZipCrypto")]
    public Task ZipCrypto() => WriteAsync(ZipEncryption.ZipCrypto("benchmark password"));

    [Benchmark(Description = "AES-256, 1000 members of 4 KiB")]
    public async Task AesSmallMembers()
    {
        var sink = new TouchingSink();
        await using var zip = new ZipArchiveWriter(sink, new ZipWriterOptions { Method = Compression, Encryption = ZipEncryption.Aes256("benchmark password") });
        for (var i = 0; i < SmallMembers; i++)
        {
            await zip.AddEntryAsync(new ArchiveEntry($"s{i}"), EntrySource.FromBytes(_small));
        }

        await zip.CompleteAsync();
    }
}
