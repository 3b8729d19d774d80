using System.Reflection;
using System.Text;

namespace AkkaFakeUsers.Host.Dashboard;

/// <summary>The dashboard's files, embedded in the binary (Dashboard/wwwroot): nothing is fetched from the internet.</summary>
public sealed class DashboardAssets
{
    private readonly Dictionary<string, (byte[] Bytes, string ContentType)> _files = new(StringComparer.Ordinal);

    public DashboardAssets()
    {
        var asm = typeof(DashboardAssets).Assembly;
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)))
        {
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var file = name["dashboard/".Length..];
            _files[file] = (ms.ToArray(), Path.GetExtension(file) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                ".html" => "text/html; charset=utf-8",
                _ => "application/octet-stream",
            });
        }
    }

    public (byte[] Bytes, string ContentType)? Static(string file) =>
        file is "dashboard.js" or "dashboard.css" or "favicon.svg" && _files.TryGetValue(file, out var f) ? f : null;

    /// <summary>The page, with this process's CSRF token (hex, nothing to escape) in a meta tag the script reads.</summary>
    public string Index(string csrf) => Encoding.UTF8.GetString(_files["index.html"].Bytes).Replace("{{csrf}}", csrf);

    public string Login(string? error) => Encoding.UTF8.GetString(_files["login.html"].Bytes)
        .Replace("{{error}}", error is null ? "" : $"<p class=\"error\" id=\"login-error\">{System.Net.WebUtility.HtmlEncode(error)}</p>");
}
