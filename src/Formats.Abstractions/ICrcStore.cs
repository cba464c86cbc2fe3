namespace Formats;

/// <summary>
/// Remembers the CRC-32 of content, keyed by the content's identity (<see cref="EntrySource.GetIdentityAsync"/>), so
/// that a byte range of a stored zip whose entries declare no CRC-32 need not read the members before it. Every CRC-32
/// a writer computes from a source with an identity is remembered, in full writes and in ranges. Implementations:
/// <see cref="MemoryCrcStore"/>, and in Formats.AspNetCore a SQLite file and any <c>IDistributedCache</c> (Redis).
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
