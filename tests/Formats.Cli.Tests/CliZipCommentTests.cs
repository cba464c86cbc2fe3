namespace Formats.Cli.Tests;

public sealed class CliZipCommentTests : CliTestBase
{
    [Fact]
    public async Task Comment_option_writes_the_archive_comment()
    {
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var (code, zip, stderr, _) = await Run(null, "zip", "--comment", "built ✓", file);
        Assert.True(code == 0, stderr);
        Assert.Equal("built ✓", System.Text.Encoding.UTF8.GetString(ZipInspector.Inspect(zip).Comment));
    }

    [Fact]
    public async Task A_comment_starting_like_a_password_option_is_a_comment()
    {
        // The password check looks at options, not at the text an option takes.
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var (code, zip, stderr, _) = await Run(null, "zip", "--comment", "-pre-release build", file);
        Assert.True(code == 0, stderr);
        Assert.Equal("-pre-release build", System.Text.Encoding.UTF8.GetString(ZipInspector.Inspect(zip).Comment));
    }

    [Fact]
    public async Task A_comment_holding_the_end_signature_fails_with_one_line_naming_the_rule()
    {
        var file = Path.Combine(Dir, "a.txt");
        File.WriteAllText(file, "ay");
        var (code, zip, stderr, _) = await Run(null, "zip", "--comment", "PK\u0005\u0006", file);
        Assert.Equal(1, code);
        Assert.Empty(zip);
        Assert.Contains("end of central directory signature", stderr, StringComparison.Ordinal);
    }
}

public sealed class CliZipGzipTests : CliTestBase
{
    private static readonly byte[] Plain = SyntheticStream.Bytes(100_000, 5, compressible: true);

    private string Gz(string name, byte[] plain)
    {
        var path = Path.Combine(Dir, name);
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(plain);
        }

        return path;
    }

    [Fact]
    public async Task Raw_from_gzip_copies_a_gz_files_deflate_data_into_a_member_named_without_gz()
    {
        var gz = Gz("data.txt.gz", Plain);
        var other = Path.Combine(Dir, "other.bin");
        File.WriteAllText(other, "other");
        var (code, zip, stderr, _) = await Run(null, "zip", "--raw-from-gzip", "--method", "stored", gz, other);
        Assert.True(code == 0, stderr);
        var entries = ZipInspector.Inspect(zip).Entries.ToDictionary(e => e.Name);
        Assert.Equal(8, entries["data.txt"].Central.CompressionMethod);
        Assert.Equal(0, entries["other.bin"].Central.CompressionMethod);
        var bytes = File.ReadAllBytes(gz);
        Assert.Equal(bytes[10..^8], zip.AsSpan((int)entries["data.txt"].DataOffset, (int)entries["data.txt"].CompressedSize).ToArray());
        Assert.Equal(Plain, ZipTestHelpers.ReadWithSystemIoCompression(zip)["data.txt"]);

        // A stored archive of raw members is sized and ranged: the size command and a range agree with the whole.
        var (sizeCode, _, sizeErr, size) = await Run(null, "size", "zip", "--raw-from-gzip", "--method", "stored", gz, other);
        Assert.True(sizeCode == 0, sizeErr);
        Assert.Equal(zip.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), size.Trim());
        var (rangeCode, range, rangeErr, _) = await Run(null, "zip", "--raw-from-gzip", "--method", "stored", "--range", "100-", gz, other);
        Assert.True(rangeCode == 0, rangeErr);
        Assert.Equal(zip[100..], range);
    }
}
