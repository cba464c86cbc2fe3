using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;

namespace Formats.AspNetCore;

/// <summary>
/// An <see cref="ICrcStore"/> on any <see cref="IDistributedCache"/> (Redis through
/// Microsoft.Extensions.Caching.StackExchangeRedis, SQL Server, ...): replicas behind a load balancer share the CRC-32s
/// any of them computed, so a download cut on one resumes on another without reading what precedes the cut. Keys are
/// the keys the writers ask with (SHA-256s of identities, never a URL) after <see cref="KeyPrefix"/>; each entry
/// expires after <see cref="SlidingExpiration"/> unused. Wrap it in <see cref="ResilientCrcStore"/> so that a cache
/// that hangs or fails costs an archive at most one short timeout.
/// </summary>
public sealed class DistributedCrcStore(IDistributedCache cache) : ICrcStore
{
    private readonly IDistributedCache _cache = cache ?? throw new ArgumentNullException(nameof(cache));

    /// <summary>Put before every identity (default <c>formats:crc:</c>), so the cache can be shared with an app.</summary>
    public string KeyPrefix { get; init; } = "formats:crc:";

    /// <summary>How long an unused CRC-32 is kept (default 30 days).</summary>
    public TimeSpan SlidingExpiration { get; init; } = TimeSpan.FromDays(30);

    /// <inheritdoc/>
    public async ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var value = await _cache.GetAsync(KeyPrefix + identity, cancellationToken).ConfigureAwait(false);
        return value is { Length: 4 } ? BinaryPrimitives.ReadUInt32LittleEndian(value) : null;
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(value, crc);
        await _cache.SetAsync(KeyPrefix + identity, value, new DistributedCacheEntryOptions { SlidingExpiration = SlidingExpiration }, cancellationToken).ConfigureAwait(false);
    }
}
