using Microsoft.Extensions.Options;

namespace Formats.AspNetCore;

/// <summary>
/// The bounds of <see cref="ArchiveResponseOptions"/>, checked when the host starts (<c>ValidateOnStart</c>) and by
/// <c>UseArchiveResponses(options)</c>: each failure names the option, its value and its bound.
/// </summary>
internal sealed class ArchiveResponseOptionsValidator : IValidateOptions<ArchiveResponseOptions>
{
    public ValidateOptionsResult Validate(string? name, ArchiveResponseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        AtLeast(failures, nameof(options.MaxManifestBytes), options.MaxManifestBytes, 0);
        AtLeast(failures, nameof(options.MaxMembers), options.MaxMembers, 0);
        AtLeast(failures, nameof(options.MaxConcurrentArchives), options.MaxConcurrentArchives, 1);
        AtLeast(failures, nameof(options.MaxManifestBytesInFlight), options.MaxManifestBytesInFlight, 0);
        AtLeast(failures, nameof(options.MinimumClientBytesPerSecond), options.MinimumClientBytesPerSecond, 0);
        AtLeast(failures, nameof(options.ReadAheadDepth), options.ReadAheadDepth, 0);
        AtLeast(failures, nameof(options.ReadAheadBufferBytes), options.ReadAheadBufferBytes, 1);
        if (options.ClientRateWindow <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.ClientRateWindow)} is {options.ClientRateWindow}; it must be more than zero");
        }

        if (options.MemberOrigin is { } origin && (!origin.IsAbsoluteUri || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Prefix}{nameof(options.MemberOrigin)} is '{origin}'; it must be an absolute http or https URL");
        }

        NotNull(failures, nameof(options.AllowedOrigins), options.AllowedOrigins);
        NotNull(failures, nameof(options.Http), options.Http);
        NotNull(failures, nameof(options.ZipOptions), options.ZipOptions);
        NotNull(failures, nameof(options.TarOptions), options.TarOptions);
        NotNull(failures, nameof(options.ReadAheadBudget), options.ReadAheadBudget);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> with every failure of <paramref name="options"/>.</summary>
    public static void Check(ArchiveResponseOptions options)
    {
        var result = new ArchiveResponseOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ArchiveResponseOptions), result.Failures);
        }
    }

    private const string Prefix = nameof(ArchiveResponseOptions) + ".";

    private static void AtLeast(List<string> failures, string option, long value, long least)
    {
        if (value < least)
        {
            failures.Add($"{Prefix}{option} is {value}; it must be at least {least}");
        }
    }

    private static void NotNull(List<string> failures, string option, object? value)
    {
        if (value is null)
        {
            failures.Add($"{Prefix}{option} is null; it must be set");
        }
    }
}
