using Formats.Zip.Encryption;

namespace Formats.Zip.Encoding;

/// <summary>Passes bytes through as they are: stored content, and content that arrives encoded already (raw, compressed ahead).</summary>
internal sealed class StoredEncoder(MemberOutput output) : IZipEncoder
{
    /// <summary>
    /// The pass-through to <paramref name="output"/>: without a cipher it holds nothing of the member's, so the archive's
    /// one is shared by every member (no allocation a member); with a cipher, one of the member's own.
    /// </summary>
    public static StoredEncoder For(ZipMemberWriter members, MemberOutput output) =>
        output.Cipher is null ? members.PlainPassThrough : new StoredEncoder(output);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => output.WriteAsync(data, cancellationToken);

    public ValueTask FinishAsync(long length, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AbortAsync() => ValueTask.CompletedTask;
}
