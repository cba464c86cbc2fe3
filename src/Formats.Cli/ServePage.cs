using System.Net;
using System.Text;

namespace Formats.Cli;

/// <summary>The page <c>formats serve</c> shows at /: the regular files under the root (links resolved, none outside it), with checkboxes and download buttons.</summary>
internal static class ServePage
{
    public static string Render(string root, string realRoot)
    {
        var files = ListFiles(root, realRoot).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var rows = new StringBuilder();
        foreach (var (file, size) in files)
        {
            var encoded = WebUtility.HtmlEncode(file);
            rows.Append($"<li><label><input type=\"checkbox\" name=\"file\" value=\"{encoded}\" checked> {encoded}</label> <small>{size:N0} bytes</small></li>\n");
        }

        return $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>formats: {{WebUtility.HtmlEncode(Path.GetFileName(root))}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}ul{list-style:none;padding:0}li{margin:.3rem 0}button{margin-right:.5rem;padding:.4rem .8rem}</style>
            </head>
            <body>
            <h1>{{WebUtility.HtmlEncode(Path.GetFileName(root))}}</h1>
            <p>Pick files; the archive is generated while it downloads.</p>
            <form method="get" action="download">
            <ul>
            {{rows}}</ul>
            <button id="zip" type="submit" name="format" value="zip">Download as ZIP</button>
            <button id="tar" type="submit" name="format" value="tar">Download as TAR</button>
            <button id="targz" type="submit" name="format" value="tar.gz">Download as TAR.GZ</button>
            </form>
            </body>
            </html>
            """;
    }

    /// <summary>
    /// The files under the root whose real path (links resolved) stays under the real root, each folder visited once
    /// even when links lead to it again.
    /// </summary>
    public static IEnumerable<(string Name, long Size)> ListFiles(string root, string realRoot)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { realRoot };
        var folders = new Stack<string>([root]);
        while (folders.TryPop(out var folder))
        {
            IEnumerable<FileSystemInfo> children;
            try
            {
                children = [.. new DirectoryInfo(folder).EnumerateFileSystemInfos()];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children)
            {
                var real = RealPath.Resolve(child.FullName);
                if (!RealPath.IsUnder(real, realRoot))
                {
                    continue;
                }

                if (Directory.Exists(real))
                {
                    if (visited.Add(real!))
                    {
                        folders.Push(child.FullName);
                    }
                }
                else if (RealPath.IsRegularFile(real))
                {
                    yield return (Path.GetRelativePath(root, child.FullName).Replace('\\', '/'), new FileInfo(real).Length);
                }
            }
        }
    }
}
