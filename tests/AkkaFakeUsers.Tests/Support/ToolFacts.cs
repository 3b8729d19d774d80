namespace AkkaFakeUsers.Tests.Support;

/// <summary>
/// A test that needs programs from Debian's packages, which `./build.sh test` installs. Under that command
/// (AFU_REQUIRE_&lt;NAME&gt;=1) it runs and fails when a program is missing; a bare `dotnet test` without them skips it,
/// saying which package to install.
/// </summary>
public abstract class ToolFactAttribute : FactAttribute
{
    protected ToolFactAttribute(string requireVariable, string package, params string[] programs)
    {
        var missing = programs.Where(p => Tools.Which(p) is null).ToList();
        if (missing.Count > 0 && Environment.GetEnvironmentVariable(requireVariable) != "1")
            Skip = $"{string.Join(", ", missing)} not installed (./build.sh test installs Debian's {package})";
    }
}

public static class Tools
{
    /// <summary>The program's path on PATH (or the absolute path itself when it exists), else null.</summary>
    public static string? Which(string program) => Path.IsPathRooted(program)
        ? File.Exists(program) ? program : null
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}

public sealed class ComposeFactAttribute() : ToolFactAttribute("AFU_REQUIRE_COMPOSE", "docker-compose", "docker-compose");

public sealed class PrometheusFactAttribute() : ToolFactAttribute("AFU_REQUIRE_PROMETHEUS", "prometheus", "prometheus", "promtool");

public sealed class PythonFactAttribute() : ToolFactAttribute("AFU_REQUIRE_PYTHON", "python3", "python3");

public sealed class KubectlFactAttribute() : ToolFactAttribute("AFU_REQUIRE_KUBECTL", "kubernetes-client", "kubectl");

public sealed class ChromiumFactAttribute() : ToolFactAttribute("AFU_REQUIRE_CHROMIUM", "chromium and chromium-driver", Chromium, Driver)
{
    public const string Chromium = "/usr/bin/chromium", Driver = "/usr/bin/chromedriver";
}
