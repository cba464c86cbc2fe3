using Formats.Tar;

namespace Formats.Cli;

/// <summary><c>formats tar [options] SOURCE...</c></summary>
internal static class TarCommand
{
    public static readonly string Help = $$"""
        Usage: formats tar [options] SOURCE...

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

        Options
          -o, --output PATH     where to write the archive; '-' (the default) is standard output. A regular file is
                                written beside PATH and renamed onto it on success; a device or pipe (/dev/null, a
                                FIFO) is written in place.
          --compress KIND       none (default), gzip (.tar.gz) or zstd (.tar.zst)
          --level LEVEL         fastest, optimal (default), smallest, or 0-9 on zlib's scale
          --mtime TIME          one ISO-8601 time for every entry, e.g. 2024-01-01T00:00:00Z, for reproducible output
          -S, --sparse          write files with holes as GNU sparse members (pax GNU.sparse 1.0, as 'tar
                                --sparse' writes and GNU tar and bsdtar restore): only their data regions are
                                read and stored, so a 10 GiB file with 1 MiB of data takes about 1 MiB. Holes
                                are found with SEEK_DATA/SEEK_HOLE when the SOURCEs are collected (Linux);
                                files without holes are written as usual. A file whose holes change before
                                it is read fails the archive. Readers without sparse support extract the
                                stored data, with its map first, as DIR/GNUSparseFile.0/NAME.
          --stdin-name NAME     entry name for '-' (default: stdin)
          --stdin-length N      the exact length of standard input, in bytes
          --range START-END     write only bytes START to END-1 of the archive (END exclusive; 'START-' runs to the
                                end): the same bytes the whole archive has there. Needs --compress none and files
                                (not standard input). 'formats size tar' prints the full length.
        {{ArchiveCommand.SharedHelp(32)}}

        On error: one line on standard error naming the entry, exit status 1 (2 for a wrong command line), and no
        end blocks (and no compression trailer): nothing is left at PATH, and standard output never carries a
        complete-looking archive. Input that is longer or shorter than --stdin-length is such an error.

        Examples
          formats tar docs -o docs.tar
          formats tar --compress zstd --mtime 2024-01-01T00:00:00Z src -o src.tar.zst
          formats tar --sparse vm-images -o images.tar
          pg_dump db | formats tar --stdin-name db.sql --stdin-length 123456 - > db.tar
        """;

    private static readonly Dictionary<string, string> Valued = ArchiveCommand.CommonOptions(["--compress"]);

    public static Task<int> RunAsync(IEnumerable<string> args, StandardStreams io, CancellationToken cancellationToken) =>
        ArchiveCommand.RunAsync(Parse(args), Help, line => Task.FromResult(Format(line)), io, cancellationToken);

    public static CommandLine Parse(IEnumerable<string> args) => CommandLine.Parse(args, Valued, ArchiveCommand.TarFlags);

    /// <summary>The tar format as the command line configures it.</summary>
    public static CliFormat Format(CommandLine line)
    {
        var options = new TarWriterOptions
        {
            Compression = ArchiveCommand.Choice(line, "compress", ("none", TarCompression.None), ("gzip", TarCompression.Gzip), ("zstd", TarCompression.Zstandard)),
            CompressionLevel = ArchiveCommand.ParseLevel(line.Value("level")),
            NamePolicy = ArchiveCommand.NamePolicy(line),
        };

        var stdinLength = ArchiveCommand.ParseStdinLength(line);
        if (stdinLength is null && line.Operands.Contains("-"))
        {
            throw new UsageException("standard input ('-') needs --stdin-length N: a tar header carries the member's size (zip can stream input of unknown length)");
        }

        return new CliFormat(
            output => new TarArchiveWriter(output, options),
            items => new TarArchivePlan(items, options),
            DeclaresCrcs: false,
            stdinLength,
            SpecialFiles: true,
            Sparse: line.Flag("sparse"));
    }
}
