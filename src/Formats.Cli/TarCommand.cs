using Formats.Tar;

namespace Formats.Cli;

/// <summary><c>formats tar [options] SOURCE...</c></summary>
internal static class TarCommand
{
    public const string Help = """
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

        FIFOs, sockets and devices are not files to archive, and opening a FIFO would wait forever: named as a
        SOURCE (or by a manifest) they are refused; met inside a DIRECTORY they are skipped, with one warning line
        each on standard error. To archive what a FIFO gives, pipe it into '-'.

        Options
          -o, --output PATH     where to write the archive; '-' (the default) is standard output. A regular file is
                                written beside PATH and renamed onto it on success; a device or pipe (/dev/null, a
                                FIFO) is written in place.
          --compress KIND       none (default), gzip (.tar.gz) or zstd (.tar.zst)
          --level LEVEL         fastest, optimal (default), smallest, or 0-9 on zlib's scale
          --mtime TIME          one ISO-8601 time for every entry, e.g. 2024-01-01T00:00:00Z, for reproducible output
          --stdin-name NAME     entry name for '-' (default: stdin)
          --stdin-length N      the exact length of standard input, in bytes
          --range START-END     write only bytes START to END-1 of the archive (END exclusive; 'START-' runs to the
                                end): the same bytes the whole archive has there. Needs --compress none and files
                                (not standard input). 'formats size tar' prints the full length.
          --owner NAME[:UID]    owner of every entry: NAME with id UID, or a user name or id alone (the other
                                half from this system's user database). Default: each file's own owner, and for
                                standard input and URLs id 0 and no name
          --group NAME[:GID]    group of every entry, in the same way
          --numeric-owner       ids only, no user and group names
          --allow-colliding-names
                                allow names that overwrite each other when extracted (Photo.jpg and photo.jpg,
                                two Unicode forms of one name, a file a beside a/b); refused by default
          -h, --help            this help
          -q, --quiet           no progress line; one is drawn on standard error only when it is a terminal

        Entry names are checked before anything of an entry is written: absolute paths, drive letters, '.' and '..'
        segments, control characters, duplicates, symbolic links that point outside the archive, and (unless
        --allow-colliding-names) names that would overwrite each other when extracted are refused.

        On error: one line on standard error naming the entry, exit status 1 (2 for a wrong command line), and no
        end blocks (and no compression trailer): nothing is left at PATH, and standard output never carries a
        complete-looking archive. Input that is longer or shorter than --stdin-length is such an error.

        Examples
          formats tar docs -o docs.tar
          formats tar --compress zstd --mtime 2024-01-01T00:00:00Z src -o src.tar.zst
          pg_dump db | formats tar --stdin-name db.sql --stdin-length 123456 - > db.tar
        """;

    private static readonly Dictionary<string, string> Valued = ArchiveCommand.CommonOptions(["--compress"]);

    public static async Task<int> RunAsync(IEnumerable<string> args, StandardStreams io, CancellationToken cancellationToken)
    {
        var line = Parse(args);
        if (line.Flag("help"))
        {
            await io.Out.WriteAsync(Help);
            return 0;
        }

        return await ArchiveCommand.WriteAsync(line, io, Format(line), cancellationToken);
    }

    public static CommandLine Parse(IEnumerable<string> args) => CommandLine.Parse(args, Valued, ArchiveCommand.ArchiveFlags);

    /// <summary>The tar format as the command line configures it.</summary>
    public static CliFormat Format(CommandLine line)
    {
        var options = new TarWriterOptions
        {
            Compression = line.Value("compress") switch
            {
                null or "none" => TarCompression.None,
                "gzip" => TarCompression.Gzip,
                "zstd" => TarCompression.Zstandard,
                var c => throw new UsageException($"--compress: '{c}' is not none, gzip or zstd"),
            },
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
            stdinLength);
    }
}
