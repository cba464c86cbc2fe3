using Formats.Streaming;

namespace Formats.Zip.Encryption;

/// <summary>Where a member's encoded bytes go: the archive output, through the member's cipher when it is encrypted.</summary>
internal readonly record struct MemberOutput(ArchiveOutput Output, ZipCipher? Cipher)
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Cipher is null ? Output.WriteAsync(data, cancellationToken) : Cipher.WriteAsync(Output, data, cancellationToken);
}

/// <summary>A write-only stream into a <see cref="MemberOutput"/>, for encoders that write to a stream (zstd).</summary>
internal sealed class MemberOutputStream(MemberOutput output) : AsyncWriteOnlyStream
{
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        output.WriteAsync(buffer, cancellationToken);
}
