using Formats.Zip;

namespace Formats.Tests;

/// <summary>The README's library example, line for line, so it keeps compiling and working.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Readme_example_writes_a_readable_archive()
    {
        var dir = Directory.CreateTempSubdirectory("formats-readme-").FullName;
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = dir;
            Directory.CreateDirectory("photos");
            File.WriteAllBytes("photos/a.jpg", SyntheticStream.Bytes(70_000));
            File.WriteAllBytes("photos/b.jpg", SyntheticStream.Bytes(10, seed: 9));

            // --- README example ---
            await using (var output = File.Create("photos.zip"))
            {
                await using var zip = new ZipArchiveWriter(output, new ZipWriterOptions { Method = ZipCompressionMethod.Deflate });
                foreach (var path in Directory.EnumerateFiles("photos"))
                    await zip.AddEntryAsync(ArchiveEntry.File("photos/" + Path.GetFileName(path)), EntrySource.FromFile(path));
                await using (var log = await zip.OpenEntryAsync(ArchiveEntry.File("log.txt")))
                    await log.WriteAsync("done\n"u8.ToArray());
                await zip.CompleteAsync();
            }

            // --- end ---
            var read = ZipTestHelpers.ReadWithSystemIoCompression(File.ReadAllBytes("photos.zip"));
            Assert.Equal(SyntheticStream.Bytes(70_000), read["photos/a.jpg"]);
            Assert.Equal("done\n"u8.ToArray(), read["log.txt"]);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(dir, recursive: true);
        }
    }
}
