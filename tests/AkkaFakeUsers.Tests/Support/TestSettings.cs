using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Tests.Support;

public static class TestSettings
{
    /// <summary>The shipped defaults (embedded simulation.conf), with no env vars, adjusted for a test.</summary>
    public static AfuSettings Defaults(string dataDir, long seed = 7, double timeScale = 60, Dictionary<string, (string, string)>? cli = null)
    {
        var s = SettingsLoader.Load(null, new Dictionary<string, string>(), cli ?? new Dictionary<string, (string, string)>());
        return s with { Seed = seed, DataDir = dataDir, TimeScale = timeScale };
    }
}
