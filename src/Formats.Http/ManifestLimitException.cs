namespace Formats.Http;

/// <summary>A manifest beyond a limit of <see cref="ArchiveManifestOptions"/> (members or bytes).</summary>
public sealed class ManifestLimitException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ManifestLimitException(string message)
        : base(message)
    {
    }
}
