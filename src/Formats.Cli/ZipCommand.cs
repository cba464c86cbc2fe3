using System.CommandLine;
using Formats.Zip;
using Formats.Zip.Sources;

namespace Formats.Cli;

/// <summary><c>formats zip [options] SOURCE...</c></summary>
internal static class ZipCommand
{
    /// <summary>The prose of the help before the options: what zip writes, and its SOURCEs.</summary>
    private static readonly string Intro = $$"""
        Writes a ZIP archive of the SOURCEs as a stream: each member is read and written in turn, memory stays flat,
        nothing is staged on disk.

        SOURCE
          FILE        one entry, named by the file's name
          DIRECTORY   every file, folder and symbolic link below it, recursively and in name order; entry names
                      are relative to the directory's parent, so 'formats zip docs' yields 'docs/...'
          -           standard input, as one entry named by --stdin-name; without --stdin-length its length is
                      unknown up front, so the entry gets a zip64 data descriptor (16 bytes under --zip64 never);
                      with it, a 16-byte descriptor. It is read once, as it is written (never first for its
                      CRC-32), so whatever the method and output it has a data descriptor (flag bit 3), unless
                      --stdin-length is 0, or is given for a stored member under --encrypt aes256 (AE-2 records
                      no CRC-32, so its sizes are in its local header)

        {{ArchiveCommand.SpecialFilesHelp}}
        """;

    /// <summary>What <c>--encrypt zipcrypto</c> prints on standard error, every time.</summary>
    public const string ZipCryptoWarning = "formats: warning: --encrypt zipcrypto is weak: traditional PKWARE encryption is broken by known-plaintext attacks and its password check helps guessing; that 1-byte check also lets about 1 wrong password in 256 through, and a reader that skips the CRC-32, or checks it only after writing (unzip -p, 7zz x, bsdtar), then gives wrong bytes; use --encrypt aes256 unless the reader knows nothing else (Windows Explorer, Info-ZIP unzip)";

    /// <summary><c>formats zip</c>: the command, declared by <see cref="ZipLine"/>.</summary>
    public static CliCommand Command(StandardStreams io)
    {
        var line = new ZipLine();
        return line.Command("write a ZIP archive", Intro, async (result, cancellationToken) =>
        {
            if (result.GetValue(line.Encrypt) == ZipEncryptionMethod.ZipCrypto)
            {
                await io.Error.WriteLineAsync(ZipCryptoWarning);
            }

            var format = await FormatAsync(result, line, io, cancellationToken);
            return await ArchiveCommand.WriteAsync(result, line.Archive, io, format, result.GetValue(line.CrcStore), cancellationToken);
        });
    }

    /// <summary>The zip format as the command line configures it (the password of --password-file read first).</summary>
    public static async Task<CliFormat> FormatAsync(ParseResult result, ZipLine line, StandardStreams io, CancellationToken cancellationToken)
    {
        var encryption = await EncryptionAsync(result, line, io, cancellationToken);
        var options = new ZipWriterOptions
        {
            Method = result.GetValue(line.Method),
            MaxDegreeOfParallelism = (int)result.GetValue(line.Threads),
            CompressionLevel = result.GetValue(line.Archive.Level),
            NamePolicy = line.Archive.NamePolicy(result),
            Zip64 = result.GetValue(line.Zip64),
            Comment = result.GetValue(line.Comment),
            Encryption = encryption,
        };
        var stdinName = line.Archive.ReadsStdin(result) ? result.GetValue(line.Archive.StdinName) : null;
        return new CliFormat(
            output => new ZipArchiveWriter(output, options),
            items => new ZipArchivePlan(items, options),
            // AE-2 records no CRC-32: a stored AES member of known length has the up-front form without one.
            DeclaresCrcs: options.Method is ZipCompressionMethod.Stored or ZipCompressionMethod.Auto && options.Encryption?.Method != ZipEncryptionMethod.Aes256,
            StdinLength: result.GetValue(line.Archive.StdinLength),
            Rewrite: result.GetValue(line.RawFromGzip) ? (items, cancellationToken) => RawFromGzipAsync(items, stdinName, cancellationToken) : null,
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

    /// <summary>--encrypt METHOD with the password of --password-file (each needs the other), or null.</summary>
    private static async Task<ZipEncryption?> EncryptionAsync(ParseResult result, ZipLine line, StandardStreams io, CancellationToken cancellationToken)
    {
        var method = result.GetValue(line.Encrypt);
        var file = result.GetValue(line.PasswordFile);
        if (method == ZipEncryptionMethod.None && file is null)
        {
            return null;
        }

        if (method == ZipEncryptionMethod.None)
        {
            throw new UsageException("--password-file needs --encrypt aes256|zipcrypto");
        }

        if (file is null)
        {
            throw new UsageException("--encrypt needs --password-file FILE (a password is never taken on the command line)");
        }

        var password = await PasswordFile.ReadAsync(file, line.Archive.ReadsStdin(result), io, cancellationToken);
        try
        {
            return method == ZipEncryptionMethod.ZipCrypto ? ZipEncryption.ZipCrypto(password) : ZipEncryption.Aes256(password);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--password-file: the password in '{file}' is not usable with --encrypt zipcrypto: it must be printable ASCII (use aes256 for any other password)");
        }
    }
}
