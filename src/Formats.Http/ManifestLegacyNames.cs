using System.Text;

namespace Formats.Http;

/// <summary>
/// Names for legacy archivers, as nginx mod_zip gives them (<see cref="ArchiveManifestOptions.NameSeparator"/>,
/// <see cref="ArchiveManifestOptions.NativeNames"/>): the manifest is then read byte for byte (each byte one Latin-1
/// character, so that bytes in any character set come through unchanged), and each name splits at the last separator
/// into the legacy bytes, written as they are, and the UTF-8 name.
/// </summary>
internal static class ManifestLegacyNames
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when the manifest is read byte for byte.</summary>
    public static bool ReadsBytes(ArchiveManifestOptions options) => options.NameSeparator is not null || options.NativeNames;

    /// <summary>Text that is UTF-8 in a manifest read byte for byte (a location, a JSON line).</summary>
    public static string Utf8(string bytes, string what)
    {
        try
        {
            return StrictUtf8.GetString(Encoding.Latin1.GetBytes(bytes));
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException($"the {what} is not UTF-8 ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// The entry name and legacy bytes of a name field read byte for byte: <c>LEGACY&lt;separator&gt;UTF-8</c> splits at
    /// the last separator (one that ends the field is dropped and the rest is the legacy name alone, as in mod_zip);
    /// without one (or without a separator set) the whole field is the legacy name alone, and the
    /// entry's name is how <see cref="ArchiveManifestOptions.Encoding"/> (else UTF-8 where the bytes are UTF-8, else
    /// code page 437, zip's own) reads it.
    /// </summary>
    public static (string Name, byte[] Legacy, bool LegacyOnly) Split(string field, ArchiveManifestOptions options)
    {
        var bytes = Encoding.Latin1.GetBytes(field);
        if (options.NameSeparator is { Length: > 0 } separator)
        {
            var sep = Encoding.Latin1.GetBytes(separator);
            var at = bytes.AsSpan().LastIndexOf(sep);
            if (at >= 0)
            {
                var legacy = bytes[..at];
                if (legacy.Length == 0)
                {
                    throw new FormatException($"the legacy name before the separator '{separator}' is empty");
                }

                // A separator that ends the field leaves no UTF-8 name: mod_zip then writes the part before it alone,
                // without the Unicode Path extra (ngx_http_zip_generate_pieces: an empty filename_utf8 gets no extra).
                return at + sep.Length == bytes.Length
                    ? (Read(legacy, options.Encoding), legacy, true)
                    : (Utf8(field[(at + sep.Length)..], "name after the separator"), legacy, false);
            }
        }

        return (Read(bytes, options.Encoding), bytes, true);
    }

    private static string Read(byte[] bytes, Encoding? encoding)
    {
        if (encoding is not null)
        {
            try
            {
                return encoding.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new FormatException($"the name is not {encoding.WebName} ({ex.Message})", ex);
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(437)!.GetString(bytes);
        }
    }
}
