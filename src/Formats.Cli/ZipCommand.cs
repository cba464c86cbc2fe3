using Formats.Zip;
using Formats.Zip.Sources;

namespace Formats.Cli;

/// <summary><c>formats zip [options] SOURCE...</c></summary>
internal static class ZipCommand
{
    public static readonly string Help = $$"""
        Usage: formats zip [options] SOURCE...

        Writes a ZIP archive of the SOURCEs as a stream: each member is read and written in turn, memory stays flat,
        nothing is staged on disk.

        SOURCE
          FILE        one entry, named by the file's name
          DIRECTORY   every file, folder and symbolic link below it, recursively and in name order; entry names
                      are relative to the directory's parent, so 'formats zip docs' yields 'docs/...'
          -           standard input, as one entry named by --stdin-name; without --stdin-length its length is
                      unknown up front, so the entry gets a zip64 data descriptor; with it, a 16-byte descriptor.
                      It is read once, as it is written (never first for its CRC-32), so whatever the method and
                      output it has a data descriptor (flag bit 3), unless --stdin-length is 0

        {{ArchiveCommand.SpecialFilesHelp}}

        Options
          -o, --output PATH    where to write the archive; '-' (the default) is standard output. A regular file is
                               written beside PATH and renamed onto it on success; a device or pipe (/dev/null, a
                               FIFO) is written in place.
          --method METHOD      deflate (default), auto, stored or zstd. auto stores members that are compressed
                               already (by name: jpg, png, mp4, zip, gz, zst, ...; or because deflating their first
                               64 KiB saved under 5%) and deflates the rest. zstd is method 93: read by 7-Zip 24+ and
                               libarchive 3.6+, not by Info-ZIP, Java, Python or .NET. With stored and auto, every
                               stored member of a FILE has its sizes and CRC-32 in its local header (no data
                               descriptor: forward-only readers such as Java's ZipInputStream can extract it): to a
                               file (-o) each file is read once and its CRC-32 written into its header after its
                               data; to a pipe (standard output), and to a file when '-' is a SOURCE too or with
                               --encrypt zipcrypto, each is read twice, first for its CRC-32. Standard input is
                               read once: its stored member has a data descriptor, which ZipInputStream cannot
                               extract. The bytes are the same either way (encrypted: the same layout, new salts);
                               with stored the layout is the one --range and 'formats size' use.
          --level LEVEL        fastest, optimal (default), smallest, or 0-9 on zlib's scale
          --threads N          deflate on at most N threads (default: the processor count; 1 for one thread).
                               The archive's bytes are the same for every N.
          --zip64 MODE         auto (default: zip64 exactly where a value needs it), always, or never (an archive
                               that would need zip64 fails with an error instead)
          --comment TEXT       the archive comment, in UTF-8 (at most 65,535 bytes, never 'PK\x05\x06'):
                               'unzip -z' prints it
          --raw-from-gzip      every FILE named *.gz (also inside a DIRECTORY) becomes a member named without
                               '.gz' whose deflate data is the gzip's own, copied without recompressing, with
                               the CRC-32 and length of the gzip trailer (method deflate, whatever --method says).
                               Each such file is read twice: once through an inflater to prove that it holds a
                               single gzip member matching its trailer, once to copy. A gzip of several members
                               (cat a.gz b.gz, bgzip) is decompressed and compressed by --method instead, its
                               CRC-32 found while proving it complete (stored: in its local header, as above). The
                               gzip's own name (FNAME) and time (MTIME) are ignored: the member is named and dated
                               as the file. Raw members have their sizes up front, so --range and 'formats size'
                               work with them under --method stored.
          --mtime TIME         one ISO-8601 time for every entry, e.g. 2024-01-01T00:00:00Z, for reproducible output
          --stdin-name NAME    entry name for '-' (default: stdin)
          --stdin-length N     the exact length of standard input, in bytes: the entry is then of known length
                               (no zip64 extra, a 16-byte data descriptor), and input of another length is an error
          --range START-END    write only bytes START to END-1 of the archive (END exclusive; 'START-' runs to the
                               end): the same bytes the whole archive has there. Needs --method stored and files
                               (not standard input); the CRC-32s a range needs are computed first, by reading each
                               file once before the range is written, and only the files the range overlaps are
                               read again. 'formats size zip' prints the full length.
          --encrypt METHOD     encrypt every file's content with the password of --password-file: aes256
                               (WinZip AES-256, AE-2: read by 7-Zip, bsdtar/libarchive and WinZip; on macOS
                               with 7-Zip or Keka, not Archive Utility; not by Windows Explorer or Info-ZIP
                               unzip) or zipcrypto (traditional PKWARE encryption: WEAK, broken by known-plaintext
                               attacks; only for readers that know nothing else, such as Windows Explorer and
                               unzip; a warning says so). Names, sizes, times and directories stay readable.
                               Every member gets a random salt, so the archive differs on every run and cannot be
                               sized or ranged ('formats size' and --range refuse it).
          --password-file FILE the password: the first line of FILE, without its line ending, in UTF-8 (never on
                               the command line, where other users can see it). At most {{PasswordFile.MaxBytes}} bytes;
                               a line of other bytes than UTF-8 is refused. '-', /dev/stdin or <(pass show x)
                               work when standard input is not a SOURCE; with '-' as a SOURCE, standard input
                               as the password file is refused. zipcrypto needs a printable ASCII password.
          --crc-store STORE    with --range: where the files' CRC-32s are remembered (a SQLite file PATH,
                               redis://HOST:PORT or memory), so a later range of the same unchanged files (same
                               path, length and mtime) reads only the files it overlaps
        {{ArchiveCommand.SharedHelp(31, ". Zip keeps the ids (Info-ZIP's Unix", "extra field, which 'unzip -X' restores), not the names.")}}

        On error: one line on standard error naming the entry, exit status 1 (2 for a wrong command line), and no
        archive end records: nothing is left at PATH, and standard output never carries a complete-looking archive.

        Examples
          formats zip docs -o docs.zip
          tar -cf - big/ | formats zip --method stored --stdin-name big.tar - > big.zip
          formats zip --mtime 2024-01-01T00:00:00Z --level smallest src README.md -o release.zip
        """;

    private static readonly Dictionary<string, string> Valued = ArchiveCommand.CommonOptions(["--method", "--zip64", "--threads", "--crc-store", "--comment", "--encrypt", "--password-file"]);

    /// <summary>Options that would put a password on the command line, refused without echoing what follows them.</summary>
    private static readonly string[] PasswordOptions = ["--password", "--passphrase", "--pass", "-P", "-p"];

    /// <summary>What <c>--encrypt zipcrypto</c> prints on standard error, every time.</summary>
    public const string ZipCryptoWarning = "formats: warning: --encrypt zipcrypto is weak: traditional PKWARE encryption is broken by known-plaintext attacks and its password check helps guessing; use --encrypt aes256 unless the reader knows nothing else (Windows Explorer, Info-ZIP unzip)";

    public static async Task<int> RunAsync(IEnumerable<string> args, StandardStreams io, CancellationToken cancellationToken)
    {
        var line = Parse(args);
        if (!line.Flag("help") && line.Value("encrypt") == "zipcrypto")
        {
            await io.Error.WriteLineAsync(ZipCryptoWarning);
        }

        return await ArchiveCommand.RunAsync(line, Help, l => FormatAsync(l, io, cancellationToken), io, cancellationToken);
    }

    /// <summary>The zip format as the command line configures it (the password of --password-file read first).</summary>
    public static async Task<CliFormat> FormatAsync(CommandLine line, StandardStreams io, CancellationToken cancellationToken)
    {
        var encryption = await EncryptionAsync(line, io, cancellationToken);
        var options = new ZipWriterOptions
        {
            Method = ArchiveCommand.Choice(line, "method", ("deflate", ZipCompressionMethod.Deflate), ("auto", ZipCompressionMethod.Auto), ("stored", ZipCompressionMethod.Stored), ("zstd", ZipCompressionMethod.Zstandard)),
            MaxDegreeOfParallelism = (int)(line.Number("threads", 1, 256) ?? Environment.ProcessorCount),
            CompressionLevel = ArchiveCommand.ParseLevel(line.Value("level")),
            NamePolicy = ArchiveCommand.NamePolicy(line),
            Zip64 = ArchiveCommand.Choice(line, "zip64", ("auto", Zip64Mode.Auto), ("always", Zip64Mode.Always), ("never", Zip64Mode.Never)),
            Comment = line.Value("comment"),
            Encryption = encryption,
        };
        var stdinName = line.Operands.Contains("-") ? line.Value("stdin-name") ?? "stdin" : null;
        return new CliFormat(
            output => new ZipArchiveWriter(output, options),
            items => new ZipArchivePlan(items, options),
            // AE-2 records no CRC-32: a stored AES member of known length has the up-front form without one.
            DeclaresCrcs: options.Method is ZipCompressionMethod.Stored or ZipCompressionMethod.Auto && options.Encryption?.Method != ZipEncryptionMethod.Aes256,
            StdinLength: ArchiveCommand.ParseStdinLength(line),
            Rewrite: line.Flag("raw-from-gzip") ? (items, cancellationToken) => RawFromGzipAsync(items, stdinName, cancellationToken) : null,
            AddWithOptions: (sink, item, cancellationToken) => ((ZipArchiveWriter)sink).AddEntryAsync(item.Entry, item.Source, (ZipEntryOptions)item.Options!, cancellationToken),
            CrcAfterData: options.Encryption is null);
    }

    /// <summary>
    /// --raw-from-gzip: each file named *.gz becomes a member named without '.gz', its deflate stream copied when it holds
    /// one gzip member (GzipMember), else decompressed and compressed by --method. Standard input is left as it is.
    /// </summary>
    private static async Task<List<ArchiveItem>> RawFromGzipAsync(List<ArchiveItem> items, string? stdinName, CancellationToken cancellationToken)
    {
        var result = new List<ArchiveItem>(items.Count);
        foreach (var item in items)
        {
            var (entry, source) = item;
            if (entry.Kind != EntryKind.File || source is null || entry.Name == stdinName || entry.Name.Length <= GzipSuffix.Length
                || !entry.Name.EndsWith(GzipSuffix, StringComparison.Ordinal) || entry.Name[^(GzipSuffix.Length + 1)] == '/')
            {
                result.Add(item);
                continue;
            }

            // The plain content's entry: what the file's entry says but its length and CRC-32, which were the .gz file's.
            var plain = new ArchiveEntry(entry, entry.Name[..^GzipSuffix.Length]) { Length = null, Crc32 = null };
            result.Add(await GzipMember.ToZipItemAsync(plain, source, cancellationToken));
        }

        return result;
    }

    private const string GzipSuffix = ".gz";

    private static readonly Dictionary<string, string> Flags = new(ArchiveCommand.ArchiveFlags, StringComparer.Ordinal) { ["--raw-from-gzip"] = "raw-from-gzip" };

    public static CommandLine Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count && list[i] != "--"; i++)
        {
            var arg = list[i];
            var key = arg.Split('=', 2)[0];
            if (Valued.ContainsKey(arg))
            {
                // An option whose value follows: that value is text (a comment, a name), not an option.
                i++;
                continue;
            }

            if (PasswordOptions.Contains(key) || (arg.StartsWith("-p", StringComparison.Ordinal) && !arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2))
            {
                // Never echoed: what follows may be the password itself.
                var named = PasswordOptions.Contains(key) ? key : "-p";
                throw new UsageException($"{named}: a password is never taken on the command line, where other users can see it; put it in a file and use --encrypt aes256 --password-file FILE");
            }
        }

        return CommandLine.Parse(list, Valued, Flags);
    }

    /// <summary>--encrypt METHOD with the password of --password-file (each needs the other), or null.</summary>
    private static async Task<ZipEncryption?> EncryptionAsync(CommandLine line, StandardStreams io, CancellationToken cancellationToken)
    {
        var method = line.Value("encrypt");
        var file = line.Path("password-file");
        if (method is null && file is null)
        {
            return null;
        }

        if (method is null)
        {
            throw new UsageException("--password-file needs --encrypt aes256|zipcrypto");
        }

        var zipCrypto = ArchiveCommand.Choice(line, "encrypt", ("aes256", false), ("zipcrypto", true));
        if (file is null)
        {
            throw new UsageException("--encrypt needs --password-file FILE (a password is never taken on the command line)");
        }

        var password = await PasswordFile.ReadAsync(file, line.Operands.Contains("-"), io, cancellationToken);
        try
        {
            return zipCrypto ? ZipEncryption.ZipCrypto(password) : ZipEncryption.Aes256(password);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--password-file: the password in '{file}' is not usable with --encrypt zipcrypto: it must be printable ASCII (use aes256 for any other password)");
        }
    }
}
