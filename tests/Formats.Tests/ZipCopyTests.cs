using System.IO.Compression;
using Formats.Zip;
using Formats.Zip.Sources;

namespace Formats.Tests;

/// <summary>Members copied from an existing zip without decompressing (Go's Writer.Copy).</summary>
public sealed class ZipCopyTests
{
    private static readonly byte[] Text = SyntheticStream.Bytes(150_000, 4, compressible: true);

    private static async Task<byte[]> CopyAllAsync(byte[] source, ZipWriterOptions? options = null)
    {
        var archive = await ZipSourceArchive.OpenAsync(new MemoryStream(source));
        return await ZipTestHelpers.WriteZipAsync(
            async zip =>
            {
                foreach (var entry in archive.Entries)
                {
                    await zip.CopyEntryAsync(archive, entry);
                }
            },
            options);
    }

    private static void SameMemberData(byte[] source, byte[] copy)
    {
        var from = ZipInspector.Inspect(source).Entries.ToDictionary(e => e.Name);
        foreach (var entry in ZipInspector.Inspect(copy).Entries)
        {
            var original = from[entry.Name];
            Assert.Equal(original.Central.CompressionMethod, entry.Central.CompressionMethod);
            Assert.Equal(original.Central.Crc32, entry.Central.Crc32);
            Assert.Equal(
                source.AsSpan((int)original.DataOffset, (int)original.CompressedSize).ToArray(),
                copy.AsSpan((int)entry.DataOffset, (int)entry.CompressedSize).ToArray());
        }
    }

    [Fact]
    public async Task Members_of_a_System_IO_Compression_zip_are_copied_byte_for_byte_and_read_back()
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(new ForwardWriteStream(output), ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, level) in new[] { ("a.txt", CompressionLevel.Optimal), ("b.bin", CompressionLevel.NoCompression) })
            {
                var entry = zip.CreateEntry(name, level);
                entry.Comment = "from .NET";
                await using var stream = entry.Open();
                await stream.WriteAsync(Text);
            }

            zip.CreateEntry("dir/");
        }

        var source = output.ToArray();
        var copy = await CopyAllAsync(source);
        SameMemberData(source, copy);
        var read = ZipTestHelpers.ReadWithSystemIoCompression(copy);
        Assert.Equal(Text, read["a.txt"]);
        Assert.Equal(Text, read["b.bin"]);
        Assert.Contains("dir/", read.Keys);
        Assert.All(ZipInspector.Inspect(copy).Entries, e => Assert.Equal(0, e.DescriptorLength));
    }

    [Fact]
    public async Task Members_of_our_own_zip64_archive_keep_method_time_mode_comment_and_links()
    {
        var time = new DateTimeOffset(2021, 3, 4, 5, 6, 8, TimeSpan.Zero);
        var source = await ZipTestHelpers.WriteZipAsync(
            async zip =>
            {
                await zip.AddEntryAsync(new ArchiveEntry("d.txt") { LastModified = time, Mode = (UnixFileMode)0b111_000_000, Comment = "note é" }, EntrySource.FromBytes(Text));
                await zip.AddEntryAsync(new ArchiveEntry("z.txt") { LastModified = time }, EntrySource.FromBytes(Text), new ZipEntryOptions { Method = ZipCompressionMethod.Zstandard });
                await zip.AddEntryAsync(ArchiveEntry.Directory("sub", time));
                await zip.AddEntryAsync(ArchiveEntry.SymbolicLink("sub/link", "../d.txt", time));
            },
            new ZipWriterOptions { Zip64 = Zip64Mode.Always });
        var archive = await ZipSourceArchive.OpenAsync(new MemoryStream(source));
        var d = archive.Entries[0];
        Assert.Equal(("d.txt", time, (UnixFileMode?)(UnixFileMode)0b111_000_000, "note é"), (d.Name, d.LastModified, d.Mode, d.Comment));
        Assert.Equal(Text.Length, d.Length);
        Assert.Equal([EntryKind.File, EntryKind.File, EntryKind.Directory, EntryKind.SymbolicLink], archive.Entries.Select(e => e.Kind));

        var copy = await CopyAllAsync(source);
        SameMemberData(source, copy);
        var copied = await ZipSourceArchive.OpenAsync(new MemoryStream(copy));
        Assert.Equal(archive.Entries.Select(e => (e.Name, e.Kind, e.Crc32, e.LastModified, e.Mode, e.Comment)), copied.Entries.Select(e => (e.Name, e.Kind, e.Crc32, e.LastModified, e.Mode, e.Comment)));
        Assert.Equal(Text, ZipTestHelpers.ReadWithSystemIoCompression(await WithoutAsync(copy, "z.txt"))["d.txt"]);
    }

    private static async Task<byte[]> WithoutAsync(byte[] zip, string name)
    {
        var archive = await ZipSourceArchive.OpenAsync(new MemoryStream(zip));
        return await ZipTestHelpers.WriteZipAsync(async w =>
        {
            foreach (var entry in archive.Entries.Where(e => e.Name != name))
            {
                await w.CopyEntryAsync(archive, entry);
            }
        });
    }

    [Fact]
    public async Task An_encrypted_member_is_refused_naming_it()
    {
        var source = await ZipTestHelpers.WriteZipAsync(zip => zip.AddEntryAsync(new ArchiveEntry("secret.txt"), EntrySource.FromBytes(Text)).AsTask());
        var inspected = ZipInspector.Inspect(source);
        source[(int)inspected.CentralDirectoryOffset + 8] |= 1; // central header's general purpose flag, bit 0
        var archive = await ZipSourceArchive.OpenAsync(new MemoryStream(source));
        Assert.True(archive.Entries[0].IsEncrypted);
        await using var zip = new ZipArchiveWriter(Stream.Null);
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await zip.CopyEntryAsync(archive, archive.Entries[0]));
        Assert.Equal("secret.txt", ex.EntryName);
        Assert.Contains("encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_without_the_utf8_flag_are_read_as_code_page_437()
    {
        // What Windows writes for "Müller.txt": CP437 0x81 is ü (in Latin-1 it would be a control character).
        var source = await ZipTestHelpers.WriteZipAsync(zip => zip.AddEntryAsync(new ArchiveEntry("M_ller.txt"), EntrySource.FromBytes(Text)).AsTask());
        var inspected = ZipInspector.Inspect(source);
        var at = source.AsSpan().LastIndexOf("M_ller.txt"u8);
        source[at + 1] = 0x81;
        Assert.Equal(0, inspected.Entries[0].Central.GeneralPurposeBitFlag & 0x800);
        var archive = await ZipSourceArchive.OpenAsync(new MemoryStream(source));
        Assert.Equal("Müller.txt", archive.Entries[0].Name);
    }

    [Fact]
    public async Task A_central_header_running_past_the_directory_is_refused_as_an_archive_error()
    {
        var source = await ZipTestHelpers.WriteZipAsync(zip => zip.AddEntryAsync(new ArchiveEntry("a.txt"), EntrySource.FromBytes(Text)).AsTask());
        var inspected = ZipInspector.Inspect(source);
        source[(int)inspected.CentralDirectoryOffset + 28] = 0xFF; // file name length: far past the directory's end
        var ex = await Assert.ThrowsAsync<ArchiveException>(async () => await ZipSourceArchive.OpenAsync(new MemoryStream(source)));
        Assert.Contains("past the directory's end", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A write-only, non-seekable view of a stream: System.IO.Compression then writes data descriptors.</summary>
    private sealed class ForwardWriteStream(Stream inner) : Stream
    {
        private long _position;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            _position += count;
        }
    }
}
