using System.Runtime.InteropServices;

namespace Formats.Tools.UnicodeGen;

/// <summary>
/// The Unicode version of the ICU that string.Normalize uses here (ICU's <c>u_getUnicodeVersion</c>): the version a
/// generated table records, so a freshness check compares only with an ICU of that same version.
/// </summary>
public static class IcuUnicodeVersion
{
    /// <summary>"MAJOR.MINOR" (for example "15.0" for ICU 72), or null when this runtime's ICU cannot be asked.</summary>
    public static string? Get()
    {
        // Normalizing loads the ICU that the runtime found; its common library is then mapped into this process.
        _ = "e\u0301".Normalize(System.Text.NormalizationForm.FormC);
        foreach (var (path, major) in LoadedIcu())
        {
            if (NativeLibrary.TryLoad(path, out var library)
                && (NativeLibrary.TryGetExport(library, $"u_getUnicodeVersion_{major}", out var function) || NativeLibrary.TryGetExport(library, "u_getUnicodeVersion", out function)))
            {
                return Ask(function);
            }
        }

        return null;
    }

    /// <summary>The ICU common libraries mapped into this process (Linux: /proc/self/maps), with the major version their name carries.</summary>
    private static IEnumerable<(string Path, string Major)> LoadedIcu()
    {
        const string Name = "libicuuc.so.";
        if (!File.Exists("/proc/self/maps"))
        {
            yield break;
        }

        foreach (var path in File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).Where(p => p.Contains(Name, StringComparison.Ordinal)).Distinct())
        {
            var version = Path.GetFileName(path)[Name.Length..];
            yield return (path, version.Split('.')[0]);
        }
    }

    private static unsafe string Ask(IntPtr function)
    {
        // UVersionInfo: four bytes, major, minor, milli, micro.
        var version = stackalloc byte[4];
        ((delegate* unmanaged<byte*, void>)function)(version);
        return $"{version[0]}.{version[1]}";
    }
}
