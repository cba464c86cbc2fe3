namespace Formats.Http;

/// <summary>URLs as they may appear in messages and logs.</summary>
internal sealed partial class HttpEntrySource
{
    /// <summary>The URL as it may appear in messages and logs: without user information (a password).</summary>
    internal static string Redact(Uri target)
    {
        if (!target.IsAbsoluteUri || target.UserInfo.Length == 0)
        {
            return target.ToString();
        }

        return new UriBuilder(target) { UserName = "", Password = "" }.Uri.ToString();
    }

    /// <summary>A location as it may appear in messages: a URL's user information removed, whether or not it parses.</summary>
    internal static string Redact(string location)
    {
        if (Uri.TryCreate(location, UriKind.Absolute, out var parsed))
        {
            return Redact(parsed);
        }

        var scheme = location.IndexOf("//", StringComparison.Ordinal);
        var at = location.IndexOf('@', StringComparison.Ordinal);
        var end = location.IndexOf('/', scheme < 0 ? 0 : scheme + 2);
        return scheme >= 0 && at > scheme && (end < 0 || at < end) ? location[..(scheme + 2)] + location[(at + 1)..] : location;
    }
}
