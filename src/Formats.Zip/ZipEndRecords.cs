using Formats.Streaming;
using Formats.Zip.Records;

namespace Formats.Zip;

/// <summary>The archive's end: the central directory, then the zip64 end record and locator when needed, then the end record.</summary>
internal static class ZipEndRecords
{
    private const int MaxLength = Zip64EndOfCentralDirectoryRecord.FixedLength + Zip64EndOfCentralDirectoryLocator.FixedLength + EndOfCentralDirectoryRecord.FixedLength;

    public static async ValueTask WriteAsync(ArchiveOutput output, CentralDirectoryRecords entries, ZipWriterOptions options, CancellationToken cancellationToken)
    {
        var always = options.Zip64 == Zip64Mode.Always;
        var directoryOffset = output.Position;
        if (entries.CountedLength is { } counted)
        {
            // Nothing is written in this run: the records were only counted.
            output.Skip(counted);
        }
        else
        {
            foreach (var (entry, owner, comment, unicodePath) in entries.InOrder())
            {
                await output.WriteRecordAsync(entry.Length(always, owner, comment, unicodePath), (entry, always, owner, comment, unicodePath), static (span, e) => e.entry.Write(span, e.always, e.owner, e.comment, e.unicodePath), cancellationToken).ConfigureAwait(false);
            }
        }

        var end = new End(entries.Count, directoryOffset, output.Position - directoryOffset, output.Position, always, ZipComments.ArchiveComment(options));
        var zip64 = Zip64Rules.InEndRecords(options, end.Count, end.DirectoryOffset, end.DirectorySize);
        var length = (zip64 ? MaxLength : EndOfCentralDirectoryRecord.FixedLength) + end.Comment.Length;
        await output.WriteRecordAsync(length, (end, zip64), static (span, e) => Write(span, e.end, e.zip64), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the end records describe; <paramref name="At"/> is where they start.</summary>
    private readonly record struct End(long Count, long DirectoryOffset, long DirectorySize, long At, bool Always, byte[] Comment);

    private static int Write(Span<byte> destination, End end, bool zip64)
    {
        var at = 0;
        if (zip64)
        {
            new Zip64EndOfCentralDirectoryRecord
            {
                VersionMadeBy = ZipConstants.VersionMadeBy,
                VersionNeededToExtract = ZipConstants.VersionZip64,
                NumberOfThisDisk = 0,
                DiskWithStartOfCentralDirectory = 0,
                EntriesOnThisDisk = (ulong)end.Count,
                TotalEntries = (ulong)end.Count,
                SizeOfCentralDirectory = (ulong)end.DirectorySize,
                OffsetOfCentralDirectory = (ulong)end.DirectoryOffset,
            }.Write(destination);
            at += Zip64EndOfCentralDirectoryRecord.FixedLength;
            new Zip64EndOfCentralDirectoryLocator
            {
                DiskWithZip64EndOfCentralDirectory = 0,
                OffsetOfZip64EndOfCentralDirectory = (ulong)end.At,
                TotalNumberOfDisks = 1,
            }.Write(destination[at..]);
            at += Zip64EndOfCentralDirectoryLocator.FixedLength;
        }

        var count16 = Zip64Rules.EndCount16(end.Always, end.Count);
        new EndOfCentralDirectoryRecord
        {
            NumberOfThisDisk = 0,
            DiskWithStartOfCentralDirectory = 0,
            EntriesOnThisDisk = count16,
            TotalEntries = count16,
            SizeOfCentralDirectory = Zip64Rules.EndField32(end.Always, end.DirectorySize),
            OffsetOfCentralDirectory = Zip64Rules.EndField32(end.Always, end.DirectoryOffset),
            CommentLength = (ushort)end.Comment.Length,
        }.Write(destination[at..]);
        at += EndOfCentralDirectoryRecord.FixedLength;
        end.Comment.CopyTo(destination[at..]);
        return at + end.Comment.Length;
    }
}
