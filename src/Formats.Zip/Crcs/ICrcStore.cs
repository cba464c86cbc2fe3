namespace Formats;

/// <summary>
/// Remembers the CRC-32 of content, keyed by the content's identity (<see cref="EntrySource.GetIdentityAsync"/>), so
/// that a byte range of a stored zip whose entries declare no CRC-32 need not read the members before it. Every CRC-32
/// the zip writer computes from a source with an identity is remembered, in full writes and in ranges, and the
/// <c>formats</c> command reads its files first for their CRC-32s through the same store. Implementations:
/// <see cref="MemoryCrcStore"/>; in Formats.AspNetCore any <c>IDistributedCache</c> (Redis); in the <c>formats</c>
/// command (not a library) a SQLite file.
/// A store never sees an identity itself (URLs, tokens, paths): the writers ask with its SHA-256, 64 lowercase hex
/// digits. A store that fails or hangs costs the archive nothing but reads: wrap it in Formats.AspNetCore's
/// <c>ResilientCrcStore</c> for timeouts and a circuit breaker.
/// </summary>
public interface ICrcStore
{
    /// <summary>The CRC-32 remembered for <paramref name="identity"/> (the SHA-256 of a content's identity), or null.</summary>
    ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken);

    /// <summary>Remembers <paramref name="crc"/> for <paramref name="identity"/> (the SHA-256 of a content's identity).</summary>
    ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken);
}
