using System.Formats.Tar;
using Formats.Tar;
using Formats.Testing;
using Formats.Zip;
using static Formats.Testing.TarTestHelpers;

namespace Formats.Tests;

/// <summary>Character and block devices and FIFOs: tar's types '3', '4' and '6', with device numbers; zip has none of them.</summary>
public sealed class TarDeviceEntryTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    [Fact]
    public async Task Devices_and_fifo_get_their_typeflags_and_devices_their_numbers_in_octal()
    {
        var tar = await WriteTarAsync(async t =>
        {
            await t.AddEntryAsync(ArchiveEntry.CharacterDevice("dev/null", 1, 3, Time));
            await t.AddEntryAsync(ArchiveEntry.BlockDevice("dev/loop7", 7, 2_097_151, Time));
            await t.AddEntryAsync(ArchiveEntry.Fifo("run/pipe", Time));
        });

        var members = TarInspector.Inspect(tar);
        Assert.Equal([(byte)'3', (byte)'4', (byte)'6'], members.Select(m => m.Header.TypeFlag));
        Assert.Equal([1L, 7L, null], members.Select(m => m.Header.DevMajor));
        Assert.Equal([3L, 2_097_151L, null], members.Select(m => m.Header.DevMinor));
        Assert.All(members, m => Assert.Empty(m.Pax));

        var read = new List<PosixTarEntry>();
        using (var reader = new TarReader(new MemoryStream(tar)))
        {
            while (reader.GetNextEntry() is PosixTarEntry entry)
            {
                read.Add(entry);
            }
        }

        Assert.Equal([TarEntryType.CharacterDevice, TarEntryType.BlockDevice, TarEntryType.Fifo], read.Select(e => e.EntryType));
        Assert.Equal([1, 7, 0], read.Select(e => e.DeviceMajor));
        Assert.Equal([3, 2_097_151, 0], read.Select(e => e.DeviceMinor));
        Assert.All(read, e => Assert.Null(e.DataStream));
    }

    [Fact]
    public async Task Other_entries_leave_the_device_fields_empty()
    {
        var tar = await WriteTarAsync(t => t.AddEntryAsync(ArchiveEntry.File("a.txt", 2, Time), EntrySource.FromBytes("ay"u8.ToArray())).AsTask());
        var header = Assert.Single(TarInspector.Inspect(tar)).Header;
        Assert.Null(header.DevMajor);
        Assert.Null(header.DevMinor);
    }

    [Theory]
    [InlineData(2_097_152, 0, "devmajor is 2097152")]
    [InlineData(0, int.MaxValue, "devminor is 2147483647")]
    public async Task Device_number_beyond_seven_octal_digits_fails_naming_the_entry_the_field_and_the_limit(int major, int minor, string what)
    {
        var output = new MemoryStream();
        await using var tar = new TarArchiveWriter(output);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => tar.AddEntryAsync(ArchiveEntry.CharacterDevice("dev/big", major, minor)).AsTask());
        Assert.Equal("dev/big", error.EntryName);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.Contains("2097151", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Device_numbers_are_required_for_devices_and_refused_for_everything_else()
    {
        await using var tar = new TarArchiveWriter(new MemoryStream());
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => tar.AddEntryAsync(new ArchiveEntry("dev/x", EntryKind.BlockDevice) { DeviceMajor = 8 }).AsTask());
        Assert.Contains("needs DeviceMajor and DeviceMinor", missing.Message, StringComparison.Ordinal);

        await using var other = new TarArchiveWriter(new MemoryStream());
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => other.AddEntryAsync(new ArchiveEntry("run/p", EntryKind.Fifo) { DeviceMajor = 1, DeviceMinor = 1 }).AsTask());
        Assert.Contains("only devices have DeviceMajor and DeviceMinor", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devices_and_fifos_take_no_source_and_no_length()
    {
        await using var tar = new TarArchiveWriter(new MemoryStream());
        await Assert.ThrowsAsync<ArgumentException>(() => tar.AddEntryAsync(ArchiveEntry.Fifo("p"), EntrySource.FromBytes("x"u8.ToArray())).AsTask());
        await using var other = new TarArchiveWriter(new MemoryStream());
        await Assert.ThrowsAsync<ArgumentException>(() => other.AddEntryAsync(new ArchiveEntry("c", EntryKind.CharacterDevice) { DeviceMajor = 1, DeviceMinor = 3, Length = 5 }).AsTask());
    }

    [Theory]
    [InlineData(EntryKind.CharacterDevice, "device")]
    [InlineData(EntryKind.BlockDevice, "device")]
    [InlineData(EntryKind.Fifo, "FIFO")]
    public async Task Zip_refuses_devices_and_fifos_naming_the_entry(EntryKind kind, string what)
    {
        var device = kind != EntryKind.Fifo;
        var entry = new ArchiveEntry("special", kind) { DeviceMajor = device ? 1 : null, DeviceMinor = device ? 3 : null };
        var output = new MemoryStream();
        await using var zip = new ZipArchiveWriter(output);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => zip.AddEntryAsync(entry).AsTask());
        Assert.Equal("special", error.EntryName);
        Assert.Contains($"zip has no {what} entries", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Plan_of_devices_predicts_the_written_length_and_its_etag_names_the_numbers()
    {
        TarArchivePlan Plan(int minor) => new([new ArchiveItem(ArchiveEntry.CharacterDevice("dev/tty", 4, minor, Time)), new ArchiveItem(ArchiveEntry.Fifo("p", Time))]);
        var plan = Plan(1);
        var predicted = await plan.PredictLengthAsync();
        var output = new MemoryStream();
        await plan.WriteAsync(output);
        Assert.Equal(output.Length, predicted.Length);
        Assert.NotEqual(plan.ETag, Plan(2).ETag);
    }
}
