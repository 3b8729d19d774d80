using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Tests.Support;

public static class TestSettings
{
    /// <summary>The shipped defaults (SettingsCatalog), with no env vars, adjusted for a test.</summary>
    public static AfuSettings Defaults(string dataDir, long seed = 7, double timeScale = 60, Dictionary<string, (string, string)>? cli = null)
    {
        var s = SettingsLoader.Load(null, new Dictionary<string, string>(), cli ?? new Dictionary<string, (string, string)>());
        return s with { Seed = seed, DataDir = dataDir, TimeScale = timeScale };
    }

    /// <summary>The shipped afu.llm defaults with the gateway's bounds and resilience set for a test.</summary>
    public static LlmSettings Gateway(int MaxInFlight, int MaxQueue, TimeSpan Timeout, int? MaxAttempts = null, TimeSpan? RetryBaseDelay = null,
        int? BreakerMaxFailures = null, TimeSpan? BreakerReset = null, double? RateLimit = null, int ServerQueue = 0)
    {
        var d = Defaults("").Llm;
        return d with
        {
            MaxInFlight = MaxInFlight, MaxQueue = MaxQueue, Timeout = Timeout, MaxAttempts = MaxAttempts ?? d.MaxAttempts,
            RetryBaseDelay = RetryBaseDelay ?? d.RetryBaseDelay, BreakerMaxFailures = BreakerMaxFailures ?? d.BreakerMaxFailures,
            BreakerReset = BreakerReset ?? d.BreakerReset, RateLimit = RateLimit ?? d.RateLimit, ServerQueue = ServerQueue,
        };
    }
}
