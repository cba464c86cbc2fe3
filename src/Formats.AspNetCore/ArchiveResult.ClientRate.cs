using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Formats.AspNetCore;

/// <summary>The minimum rate a client must take the archive at, so that idle and trickling clients free their place.</summary>
public sealed partial class ArchiveResult
{
    /// <summary>The default of <see cref="MinimumClientBytesPerSecond"/>: 2 KiB/s.</summary>
    public const long DefaultMinimumClientBytesPerSecond = 2048;

    /// <summary>
    /// The least a client must take per second, measured over each <see cref="ClientRateWindow"/> of time in which the
    /// archive waits for the client (time spent waiting for members does not count); a slower client's connection is
    /// aborted, which stops the archive and its member requests (default 2 KiB/s; 0: no minimum). What a client took is
    /// known when a flush of up to 128 KiB is taken, so a client just above the rate may be dropped too unless the
    /// rate times the window is at least 128 KiB (the defaults, 120 KiB, drop clients slower than about 2.2 KiB/s).
    /// Kestrel's own <c>MinResponseDataRate</c> does not do this: bytes its socket buffers take at once extend its
    /// deadline (4 MiB buy an idle client hours at its 240 bytes/s).
    /// </summary>
    public long MinimumClientBytesPerSecond
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = DefaultMinimumClientBytesPerSecond;

    /// <summary>The window of <see cref="MinimumClientBytesPerSecond"/> (default 60 s); a client is dropped at most a quarter window after its window ends.</summary>
    public TimeSpan ClientRateWindow
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(60);

    /// <summary>Why the client was dropped for being too slow, once it was; null otherwise.</summary>
    private volatile string? _tooSlow;

    /// <summary>The rate check of one sending (null when there is no minimum): a client below it is aborted.</summary>
    private ClientRate? StartClientRate(HttpContext httpContext)
    {
        if (MinimumClientBytesPerSecond == 0)
        {
            return null;
        }

        var clock = httpContext.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;
        return new ClientRate(MinimumClientBytesPerSecond, ClientRateWindow, clock, reason =>
        {
            _tooSlow = reason;
            httpContext.Abort();
        });
    }
}
