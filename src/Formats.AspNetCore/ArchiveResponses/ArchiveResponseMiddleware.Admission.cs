namespace Formats.AspNetCore;

/// <summary>
/// Admission by size: archives are let in while the manifests being answered add up to at most
/// <see cref="ArchiveResponseOptions.MaxManifestBytesInFlight"/>, so that memory is bounded by bytes, not only by a
/// count of archives (a member costs its manifest line and some 300 bytes more while its archive is made).
/// </summary>
internal sealed partial class ArchiveResponseMiddleware
{
    private long _manifestBytesInFlight;

    /// <summary>Counts a manifest of <paramref name="bytes"/> in, unless that passes the limit; one alone always gets in.</summary>
    private bool TryAdmitManifest(long bytes)
    {
        var now = Interlocked.Add(ref _manifestBytesInFlight, bytes);
        if (now == bytes || now <= options.MaxManifestBytesInFlight)
        {
            return true;
        }

        Interlocked.Add(ref _manifestBytesInFlight, -bytes);
        return false;
    }

    private void ReleaseManifest(long bytes) => Interlocked.Add(ref _manifestBytesInFlight, -bytes);

    private string ManifestBytesBusy(long bytes) =>
        $"manifests of {Interlocked.Read(ref _manifestBytesInFlight)} bytes are being answered, and this one's {bytes} bytes would pass {options.MaxManifestBytesInFlight} (the limit)";
}
