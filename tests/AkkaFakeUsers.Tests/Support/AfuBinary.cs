namespace AkkaFakeUsers.Tests.Support;

/// <summary>The built `afu` program in its own output folder (its deps and runtimeconfig, not the test host's).</summary>
public static class AfuBinary
{
    public static string Path
    {
        get
        {
            var baseDir = AppContext.BaseDirectory; // …/tests/AkkaFakeUsers.Tests/bin/<Configuration>/net10.0/
            var tfmDir = new DirectoryInfo(baseDir.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var configuration = tfmDir.Parent!.Name;
            var dir = tfmDir;
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "AkkaFakeUsers.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException($"repository root not found above {baseDir}");
            var afu = System.IO.Path.Combine(dir.FullName, "src", "AkkaFakeUsers.Host", "bin", configuration, tfmDir.Name, "afu.dll");
            if (!File.Exists(afu)) throw new FileNotFoundException("build the solution first: afu.dll not found", afu);
            return afu;
        }
    }
}
