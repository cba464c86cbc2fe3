using BenchmarkDotNet.Attributes;
using Formats.Tar;
using ICSharpCode.SharpZipLib.Tar;
using SharpCompress.Common;
using ScTarWriter = SharpCompress.Writers.Tar.TarWriter;
using ScTarWriterOptions = SharpCompress.Writers.Tar.TarWriterOptions;

namespace Formats.Bench;

/// <summary>Scenario 4: tar (pax) of 1 GiB in 16 members, against System.Formats.Tar and the peers.</summary>
[Config(typeof(BenchConfig))]
public class PlainTar
{
    private const int Members = 16;
    private byte[] _member = [];

    [GlobalSetup]
    public void Setup() => _member = Data.Random(Data.Scaled(1L << 30) / Members);

    [Benchmark(Baseline = true, Description = "System.Formats.Tar TarWriter")]
    public async Task SystemFormatsTar()
    {
        var sink = new TouchingSink();
        await using var tar = new System.Formats.Tar.TarWriter(sink, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true);
        for (var i = 0; i < Members; i++)
        {
            var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, $"m{i}") { DataStream = new LengthReportingStream(_member) };
            await tar.WriteEntryAsync(entry);
        }
    }

    [Benchmark(Description = "Formats TarArchiveWriter")]
    public async Task Formats()
    {
        var sink = new TouchingSink();
        await using var tar = new TarArchiveWriter(sink);
        for (var i = 0; i < Members; i++)
        {
            await tar.AddEntryAsync(new ArchiveEntry($"m{i}"), EntrySource.FromBytes(_member));
        }

        await tar.CompleteAsync();
    }

    [Benchmark(Description = "SharpCompress TarWriter")]
    public void SharpCompress()
    {
        var sink = new TouchingSink();
        using var tar = new ScTarWriter(sink, new ScTarWriterOptions(CompressionType.None, true) { LeaveStreamOpen = true });
        for (var i = 0; i < Members; i++)
        {
            tar.Write($"m{i}", new MemoryStream(_member), DateTime.UnixEpoch, _member.Length);
        }
    }

    [Benchmark(Description = "SharpZipLib TarOutputStream")]
    public void SharpZipLib()
    {
        var sink = new TouchingSink();
        using var tar = new TarOutputStream(sink, System.Text.Encoding.UTF8) { IsStreamOwner = false };
        for (var i = 0; i < Members; i++)
        {
            var entry = TarEntry.CreateTarEntry($"m{i}");
            entry.Size = _member.Length;
            tar.PutNextEntry(entry);
            tar.Write(_member);
            tar.CloseEntry();
        }
    }
}
