using System.CommandLine;
using Formats.Tar;

namespace Formats.Cli;

/// <summary><c>formats tar [options] SOURCE...</c></summary>
internal static class TarCommand
{
    /// <summary>The prose of the help before the options: what tar writes, and its SOURCEs.</summary>
    private static readonly string Intro = $$"""
        Writes a TAR archive of the SOURCEs as a stream (plain, gzip or zstd): ustar headers, with a pax extended
        header only for what ustar cannot hold (long or non-ASCII names, sizes of 8 GiB and more, times before 1970,
        after 2242 or with sub-second precision, large ids, long owner names).

        SOURCE
          FILE        one entry, named by the file's name
          DIRECTORY   every file, folder and symbolic link below it, recursively and in name order; entry names
                      are relative to the directory's parent, so 'formats tar docs' yields 'docs/...'
          -           standard input, as one entry named by --stdin-name; needs --stdin-length, because a tar
                      header carries the member's size (zip can stream input of unknown length)

        {{ArchiveCommand.TarSpecialFilesHelp}}
        """;

    /// <summary><c>formats tar</c>: the command, declared by <see cref="TarLine"/>.</summary>
    public static CliCommand Command(StandardStreams io)
    {
        var line = new TarLine();
        return line.Command("write a TAR archive, plain, gzip or zstd", Intro, (result, cancellationToken) =>
            ArchiveCommand.WriteAsync(result, line.Archive, io, Format(result, line), crcStore: null, cancellationToken));
    }

    /// <summary>The tar format as the command line configures it.</summary>
    public static CliFormat Format(ParseResult result, TarLine line)
    {
        var options = new TarWriterOptions
        {
            Compression = result.GetValue(line.Compress),
            CompressionLevel = result.GetValue(line.Archive.Level),
            NamePolicy = line.Archive.NamePolicy(result),
        };

        var stdinLength = result.GetValue(line.Archive.StdinLength);
        if (stdinLength is null && line.Archive.ReadsStdin(result))
        {
            throw new UsageException("standard input ('-') needs --stdin-length N: a tar header carries the member's size (zip can stream input of unknown length)");
        }

        return new CliFormat(
            output => new TarArchiveWriter(output, options),
            items => new TarArchivePlan(items, options),
            DeclaresCrcs: false,
            stdinLength,
            SpecialFiles: true,
            Sparse: result.GetValue(line.Sparse));
    }
}

/// <summary>The command line of <c>formats tar</c> (and of <c>formats size tar</c>): one declaration per option.</summary>
internal sealed class TarLine
{
    public ArchiveLine Archive { get; } = new(
        "",
        "Needs --compress none and files (not standard input). 'formats size tar' prints the full length.",
        "");

    public Option<TarCompression> Compress { get; } = CliOptions.Choice("--compress", "KIND", "gzip writes .tar.gz, zstd .tar.zst",
        ("none", TarCompression.None), ("gzip", TarCompression.Gzip), ("zstd", TarCompression.Zstandard));

    public Option<bool> Sparse { get; } = CliOptions.Flag("--sparse",
        "write files with holes as GNU sparse members (pax GNU.sparse 1.0, as 'tar --sparse' writes and GNU tar and bsdtar restore): only their data regions are read and stored, so a 10 GiB file with 1 MiB of data takes about 1 MiB. Holes are found with SEEK_DATA/SEEK_HOLE when the SOURCEs are collected (Linux); files without holes are written as usual. A file whose holes change before it is read fails the archive. Readers without sparse support extract the stored data, with its map first, as DIR/GNUSparseFile.0/NAME.",
        "-S");

    /// <summary>The command with these options; <paramref name="action"/> runs it; <paramref name="epilogue"/> ends its help (tar's own by default).</summary>
    public CliCommand Command(string summary, string intro, Func<ParseResult, CancellationToken, Task<int>> action, string epilogue = Epilogue) =>
        Archive.Command("tar", summary, intro, epilogue, [Compress, Archive.Level, Sparse], [], action);

    private const string Epilogue = """
        On error: one line on standard error naming the entry, exit status 1 (2 for a wrong command line), and no
        end blocks (and no compression trailer): nothing is left at PATH, and standard output never carries a
        complete-looking archive. Input that is longer or shorter than --stdin-length is such an error.

        Examples
          formats tar docs -o docs.tar
          formats tar --compress zstd --mtime 2024-01-01T00:00:00Z src -o src.tar.zst
          formats tar --sparse vm-images -o images.tar
          pg_dump db | formats tar --stdin-name db.sql --stdin-length 123456 - > db.tar
        """;
}
