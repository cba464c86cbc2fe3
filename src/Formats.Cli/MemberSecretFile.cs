using Formats.Http;

namespace Formats.Cli;

/// <summary>
/// <c>gateway --member-secret-file FILE</c>: the secret the gateway signs its member requests with (docs/gateway.md,
/// "Member requests only the gateway can make"). Read from a file only: a command line is visible to every user of
/// the machine.
/// </summary>
internal static class MemberSecretFile
{
    /// <summary>The file's bytes without one trailing newline (LF or CRLF); empty when <paramref name="path"/> is null.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(string? path, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--member-secret-file: cannot read '{path}': {ex.Message}");
        }

        var length = bytes.Length;
        if (length > 0 && bytes[length - 1] == (byte)'\n')
        {
            length--;
            if (length > 0 && bytes[length - 1] == (byte)'\r')
            {
                length--;
            }
        }

        if (length < MemberSignature.MinimumSecretBytes)
        {
            throw new UsageException($"--member-secret-file: '{path}' holds {length} bytes; the secret needs at least {MemberSignature.MinimumSecretBytes} (such as the output of 'openssl rand -hex 32')");
        }

        return bytes.AsMemory(0, length);
    }
}
