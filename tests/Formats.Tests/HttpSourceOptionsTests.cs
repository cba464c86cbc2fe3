using System.Diagnostics.Metrics;
using Formats.Http;

namespace Formats.Tests;

/// <summary><see cref="HttpSourceOptions"/> is a record: its one copy (<c>WithAccess</c>) keeps every field it does not set.</summary>
public sealed class HttpSourceOptionsTests
{
    [Fact]
    public void WithAccess_keeps_every_field_but_the_access_it_gives()
    {
        // Every field away from its default, so that a field the copy drops shows as a difference.
        var original = new HttpSourceOptions
        {
            ResponseTimeout = TimeSpan.FromSeconds(7),
            IdleTimeout = TimeSpan.FromSeconds(8),
            MinimumBytesPerSecond = 9,
            RateWindow = TimeSpan.FromSeconds(10),
            MaxMemberBytes = 11,
            MaxRedirects = 12,
            AllowUrl = _ => false,
            RequestHeaders = [new("X-Old", "1")],
            SigningSecret = new byte[32],
            MaxResumes = 13,
            ParkedConnectionLimit = TimeSpan.FromSeconds(14),
            MeterFactory = new Meters(),
        };
        Func<Uri, bool> allow = _ => true;
        IReadOnlyList<KeyValuePair<string, string>> headers = [new("Cookie", "a=b")];
        ReadOnlyMemory<byte> secret = new byte[48];

        var copy = original.WithAccess(allow, headers, secret);

        Assert.Equal(original with { AllowUrl = allow, RequestHeaders = headers, SigningSecret = secret }, copy);
        Assert.NotEqual(original, copy);
    }

    private sealed class Meters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
