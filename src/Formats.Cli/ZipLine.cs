using System.CommandLine;
using Formats.Zip;

namespace Formats.Cli;

/// <summary>The command line of <c>formats zip</c> (and of <c>formats size zip</c>): one declaration per option.</summary>
internal sealed class ZipLine
{
    public ArchiveLine Archive { get; } = new(
        ". Zip keeps the ids (Info-ZIP's Unix extra field, which 'unzip -X' restores), not the names.",
        "Needs --method stored and files (not standard input); the CRC-32s a range needs are computed first, by reading each file once before the range is written, and only the files the range overlaps are read again. 'formats size zip' prints the full length.",
        ": the entry is then of known length: no zip64 extra, and a 16-byte data descriptor where it has one (see SOURCE '-' above); input of another length is an error");

    public Option<ZipCompressionMethod> Method { get; } = CliOptions.Choice("--method", "METHOD",
        "auto stores members that are compressed already (by name: jpg, png, mp4, zip, gz, zst, ...; or because deflating their first 64 KiB saved under 5%) and deflates the rest. zstd is method 93: read by 7-Zip 24+ and libarchive 3.6+, not by Info-ZIP, Java, Python or .NET. With stored and auto, every stored member of a FILE has its sizes and CRC-32 in its local header (no data descriptor: forward-only readers such as Java's ZipInputStream can extract it; under --encrypt aes256 its sizes only, as AE-2 records no CRC-32, and no file is read first): to a file (-o) each file is read once and its CRC-32 written into its header after its data; to a pipe (standard output), and to a file when '-' is a SOURCE too or with --encrypt zipcrypto, each is read twice, first for its CRC-32. Standard input is read once: its stored member has a data descriptor, which ZipInputStream cannot extract (none when --stdin-length is 0, or is given under --encrypt aes256). A pipe and a file get the same bytes, whatever the method and SOURCEs; encrypted archives differ only in their random salts (the same layout), as they do from run to run. With stored the layout is the one --range and 'formats size' use.",
        ("deflate", ZipCompressionMethod.Deflate), ("auto", ZipCompressionMethod.Auto), ("stored", ZipCompressionMethod.Stored), ("zstd", ZipCompressionMethod.Zstandard));

    public Option<long> Threads { get; } = CliOptions.Number("--threads", "N", 1, 256, Environment.ProcessorCount,
        "deflate on at most N threads (1 for one thread). The archive's bytes are the same for every N.", "the processor count");

    public Option<Zip64Mode> Zip64 { get; } = CliOptions.Choice("--zip64", "MODE",
        "auto: zip64 exactly where a value needs it; never: an archive that would need zip64 fails with an error instead",
        ("auto", Zip64Mode.Auto), ("always", Zip64Mode.Always), ("never", Zip64Mode.Never));

    public Option<string> Comment { get; } = CliOptions.Text("--comment", "TEXT",
        "the archive comment, in UTF-8 (at most 65,535 bytes, never 'PK\\x05\\x06'): 'unzip -z' prints it");

    public Option<bool> RawFromGzip { get; } = CliOptions.Flag("--raw-from-gzip",
        "every FILE named *.gz (also inside a DIRECTORY) becomes a member named without '.gz' whose deflate data is the gzip's own, copied without recompressing, with the CRC-32 and length of the gzip trailer (method deflate, whatever --method says). Each such file is read twice: once through an inflater to prove that it holds a single gzip member matching its trailer, once to copy. A gzip of several members (cat a.gz b.gz, bgzip) is decompressed and compressed by --method instead, its CRC-32 found while proving it complete (stored: in its local header, as above). The gzip's own name (FNAME) and time (MTIME) are ignored: the member is named and dated as the file. Raw members have their sizes up front, so --range and 'formats size' work with them under --method stored.");

    /// <summary>--encrypt: <see cref="ZipEncryptionMethod.None"/> when not given.</summary>
    public Option<ZipEncryptionMethod> Encrypt { get; } = CliOptions.Value("--encrypt", "METHOD",
        "encrypt every file's content with the password of --password-file: aes256 (WinZip AES-256, AE-2: read by 7-Zip, bsdtar/libarchive and WinZip; on macOS with 7-Zip or Keka, not Archive Utility; not by Windows Explorer or Info-ZIP unzip) or zipcrypto (traditional PKWARE encryption: WEAK, broken by known-plaintext attacks; its 1-byte password check lets about 1 wrong password in 256 through, and a reader that skips the CRC-32, or checks it only after writing (unzip -p, 7zz x, bsdtar), then gives wrong bytes; only for readers that know nothing else, such as Windows Explorer and unzip; a warning says so). Names, sizes, times and directories stay readable. Every member gets a random salt, so the archive differs on every run and cannot be sized or ranged ('formats size' and --range refuse it).",
        (string text, out ZipEncryptionMethod method) => (method = text switch { "aes256" => ZipEncryptionMethod.Aes256, "zipcrypto" => ZipEncryptionMethod.ZipCrypto, _ => ZipEncryptionMethod.None }) != ZipEncryptionMethod.None,
        "aes256 or zipcrypto");

    public Option<string> PasswordFile { get; } = CliOptions.Path("--password-file", "FILE",
        $"the password: the first line of FILE, without its line ending, in UTF-8 (never on the command line, where other users can see it). At most {Cli.PasswordFile.MaxBytes} bytes; a line of other bytes than UTF-8 is refused. '-', /dev/stdin or <(pass show x) work when standard input is not a SOURCE; with '-' as a SOURCE, standard input as the password file is refused. zipcrypto needs a printable ASCII password.");

    public Option<string> CrcStore { get; } = CliOptions.Path("--crc-store", "STORE",
        "with --range: where the files' CRC-32s are remembered (a SQLite file PATH, redis://HOST:PORT or memory), so a later range of the same unchanged files (same path, length and mtime) reads only the files it overlaps");

    /// <summary>Options that would put a password on the command line: refused without echoing what follows them.</summary>
    public Option<string[]> Password { get; } = CliOptions.Refused("--password",
        "a password is never taken on the command line, where other users can see it; put it in a file and use --encrypt aes256 --password-file FILE",
        "--passphrase", "--pass", "-P", "-p");

    /// <summary>The command with these options; <paramref name="action"/> runs it; <paramref name="epilogue"/> ends its help (zip's own by default).</summary>
    public CliCommand Command(string summary, string intro, Func<ParseResult, CancellationToken, Task<int>> action, string epilogue = Epilogue) =>
        Archive.Command("zip", summary, intro, epilogue, [Method, Archive.Level, Threads, Zip64, Comment, RawFromGzip], [Encrypt, PasswordFile, CrcStore, Password], action);

    private const string Epilogue = """
        On error: one line on standard error naming the entry, exit status 1 (2 for a wrong command line), and no
        archive end records: nothing is left at PATH, and standard output never carries a complete-looking archive.

        Examples
          formats zip docs -o docs.zip
          tar -cf - big/ | formats zip --method stored --stdin-name big.tar - > big.zip
          formats zip --mtime 2024-01-01T00:00:00Z --level smallest src README.md -o release.zip
        """;
}
