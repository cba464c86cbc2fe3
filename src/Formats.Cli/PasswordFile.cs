using System.Text;

namespace Formats.Cli;

/// <summary>
/// <c>--password-file FILE</c>: the password is FILE's first line, without its line ending, in UTF-8. Standard input
/// may hold it ('-', /dev/stdin, ...) unless it is also a SOURCE: the password would eat the start of the data.
/// </summary>
internal static class PasswordFile
{
    /// <summary>The longest password (first line) taken, in bytes; at most one byte more is ever read without a line end.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Names of standard input itself; any other path is compared with descriptor 0 by device and inode.</summary>
    private static readonly string[] StandardInputNames = ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];

    /// <summary>
    /// The password in <paramref name="file"/>; a usage error when FILE is standard input while standard input is a
    /// SOURCE (<paramref name="stdinIsSource"/>), cannot be read, has a first line longer than <see cref="MaxBytes"/>,
    /// is not UTF-8 or its first line is empty.
    /// </summary>
    public static async Task<string> ReadAsync(string file, bool stdinIsSource, StandardStreams io, CancellationToken cancellationToken)
    {
        var isStdin = IsStandardInput(file, io);
        if (isStdin && stdinIsSource)
        {
            throw new UsageException($"--password-file: '{file}' is standard input, which is also a SOURCE ('-'): the password would be taken from the data; put it in a file");
        }

        var buffer = new byte[MaxBytes + 1];
        int length;
        try
        {
            await using var stream = file == "-" ? io.OpenInput() : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, useAsync: true);
            length = await ReadFirstLineAsync(stream, buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"--password-file: cannot read '{file}': {ex.Message}");
        }

        var line = buffer.AsSpan(0, length);
        var end = line.IndexOfAny((byte)'\n', (byte)'\r');
        if (end < 0 && length > MaxBytes)
        {
            throw new UsageException($"--password-file: the first line of '{file}' is longer than {MaxBytes} bytes, the most a password may have");
        }

        line = line[..(end < 0 ? length : end)];
        if (line.StartsWith(Encoding.UTF8.Preamble))
        {
            line = line[Encoding.UTF8.Preamble.Length..];
        }

        var chars = new char[line.Length];
        if (System.Text.Unicode.Utf8.ToUtf16(line, chars, out var valid, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            // Never echo the bytes: they are the password.
            throw new UsageException($"--password-file: the first line of '{file}' is not UTF-8 text (an invalid byte at offset {valid}): a password is UTF-8, else two files could give one key");
        }

        var password = new string(chars, 0, written);
        return password.Length > 0 ? password : throw new UsageException($"--password-file: '{file}' is empty; its first line is the password");
    }

    /// <summary>True when <paramref name="file"/> names standard input, by name or by being the same file as descriptor 0.</summary>
    private static bool IsStandardInput(string file, StandardStreams io) =>
        StandardInputNames.Contains(file, StringComparer.Ordinal)
        || (io.InputIdentity is { } input && UnixFileType.Stat(file)?.Identity == input);

    /// <summary>
    /// Reads into <paramref name="buffer"/> until a line end, the end of the stream or a full buffer (one byte past the
    /// limit, so that an over-long line is seen without reading on: /dev/zero ends at once). Returns the bytes read.
    /// </summary>
    private static async Task<int> ReadFirstLineAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (n == 0 || buffer.AsSpan(length, n).IndexOfAny((byte)'\n', (byte)'\r') >= 0)
            {
                return length + n;
            }

            length += n;
        }

        return length;
    }
}
