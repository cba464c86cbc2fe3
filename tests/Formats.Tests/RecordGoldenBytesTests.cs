using Formats.Zip.Records;

namespace Formats.Tests;

/// <summary>
/// Golden bytes for every generated zip record. Each expected string was made independently of this code base with
/// Python's struct module, from the APPNOTE field order, e.g. for the local file header:
/// <c>struct.pack('&lt;IHHHHHIIIHH', 0x04034b50, 20, 0x0808, 8, 0x6B3A, 0x5821, 0xDEADBEEF, 0x01020304, 0x05060708, 9, 28).hex()</c>
/// (the format string beside each test below). A test also reads the bytes back through the generated reader.
/// </summary>
public sealed class RecordGoldenBytesTests
{
    private static string Hex<T>(T record, int length, Action<T, byte[]> write)
    {
        var bytes = new byte[length];
        write(record, bytes);
        return Convert.ToHexString(bytes);
    }

    [Fact]
    public void Local_file_header_matches_golden_bytes()
    {
        // '<IHHHHHIIIHH'
        var record = new LocalFileHeader
        {
            VersionNeededToExtract = 20, GeneralPurposeBitFlag = 0x0808, CompressionMethod = 8, LastModFileTime = 0x6B3A, LastModFileDate = 0x5821,
            Crc32 = 0xDEADBEEF, CompressedSize = 0x01020304, UncompressedSize = 0x05060708, FileNameLength = 9, ExtraFieldLength = 28,
        };
        const string golden = "504B03041400080808003A6B2158EFBEADDE040302010807060509001C00";
        Assert.Equal(golden, Hex(record, LocalFileHeader.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, LocalFileHeader.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void Data_descriptor_matches_golden_bytes()
    {
        // '<IIII'
        var record = new DataDescriptor { Crc32 = 0xDEADBEEF, CompressedSize = 0x01020304, UncompressedSize = 0x05060708 };
        const string golden = "504B0708EFBEADDE0403020108070605";
        Assert.Equal(golden, Hex(record, DataDescriptor.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, DataDescriptor.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void Zip64_data_descriptor_matches_golden_bytes()
    {
        // '<IIQQ'
        var record = new DataDescriptor64 { Crc32 = 0xDEADBEEF, CompressedSize = 0x100000001, UncompressedSize = 0x200000002 };
        const string golden = "504B0708EFBEADDE01000000010000000200000002000000";
        Assert.Equal(golden, Hex(record, DataDescriptor64.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, DataDescriptor64.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void Central_directory_header_matches_golden_bytes()
    {
        // '<IHHHHHHIIIHHHHHII'
        var record = new CentralDirectoryHeader
        {
            VersionMadeBy = 0x033F, VersionNeededToExtract = 45, GeneralPurposeBitFlag = 8, CompressionMethod = 8, LastModFileTime = 0x6B3A,
            LastModFileDate = 0x5821, Crc32 = 0xDEADBEEF, CompressedSize = 0xFFFFFFFF, UncompressedSize = 0xFFFFFFFF, FileNameLength = 9,
            ExtraFieldLength = 37, ExternalFileAttributes = 0x81A40000, RelativeOffsetOfLocalHeader = 0x12345678,
        };
        const string golden = "504B01023F032D00080008003A6B2158EFBEADDEFFFFFFFFFFFFFFFF090025000000000000000000A48178563412";
        Assert.Equal(golden, Hex(record, CentralDirectoryHeader.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, CentralDirectoryHeader.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void Zip64_end_of_central_directory_record_matches_golden_bytes()
    {
        // '<IQHHIIQQQQ' with SizeOfRecord 44
        var record = new Zip64EndOfCentralDirectoryRecord
        {
            VersionMadeBy = 0x033F, VersionNeededToExtract = 45, EntriesOnThisDisk = 65536, TotalEntries = 65536,
            SizeOfCentralDirectory = 0x10000, OffsetOfCentralDirectory = 0x123456789,
        };
        const string golden = "504B06062C000000000000003F032D0000000000000000000000010000000000000001000000000000000100000000008967452301000000";
        Assert.Equal(golden, Hex(record, Zip64EndOfCentralDirectoryRecord.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, Zip64EndOfCentralDirectoryRecord.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void Zip64_end_of_central_directory_locator_matches_golden_bytes()
    {
        // '<IIQI'
        var record = new Zip64EndOfCentralDirectoryLocator { OffsetOfZip64EndOfCentralDirectory = 0x123456789 + 0x10000, TotalNumberOfDisks = 1 };
        const string golden = "504B060700000000896746230100000001000000";
        Assert.Equal(golden, Hex(record, Zip64EndOfCentralDirectoryLocator.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, Zip64EndOfCentralDirectoryLocator.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void End_of_central_directory_record_matches_golden_bytes()
    {
        // '<IHHHHIIH'
        var record = new EndOfCentralDirectoryRecord { EntriesOnThisDisk = 0xFFFF, TotalEntries = 0xFFFF, SizeOfCentralDirectory = 0x10000, OffsetOfCentralDirectory = 0xFFFFFFFF };
        const string golden = "504B050600000000FFFFFFFF00000100FFFFFFFF0000";
        Assert.Equal(golden, Hex(record, EndOfCentralDirectoryRecord.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal(record, EndOfCentralDirectoryRecord.Read(Convert.FromHexString(golden)));
    }

    [Fact]
    public void Extra_field_records_match_golden_bytes()
    {
        // '<HH', '<HHQQ', '<HHBi', '<HHIHHQQQ' (FILETIME of 1970-01-01 is 116444736000000000)
        Assert.Equal("01001800", Hex(new ExtraFieldHeader { HeaderId = 1, DataSize = 24 }, ExtraFieldHeader.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal("0100100000000000000000000000000000000000", Hex(new Zip64ExtraFieldLocal(), Zip64ExtraFieldLocal.FixedLength, (r, b) => r.Write(b)));
        Assert.Equal("555405000100F15365", Hex(new ExtendedTimestampExtraField { Flags = 1, ModificationTime = 1700000000 }, ExtendedTimestampExtraField.FixedLength, (r, b) => r.Write(b)));
        const ulong epoch = 116444736000000000;
        Assert.Equal(
            "0A002000000000000100180000803ED5DEB19D0100803ED5DEB19D0100803ED5DEB19D01",
            Hex(new NtfsExtraField { ModificationTime = epoch, AccessTime = epoch, CreationTime = epoch }, NtfsExtraField.FixedLength, (r, b) => r.Write(b)));
    }

    [Fact]
    public void Reader_refuses_a_record_with_the_wrong_signature()
    {
        var bytes = new byte[LocalFileHeader.FixedLength];
        Assert.Throws<InvalidDataException>(() => LocalFileHeader.Read(bytes));
    }
}
