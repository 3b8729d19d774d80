using AkkaFakeUsers.Configuration;

namespace AkkaFakeUsers.Llm;

public enum LlmMode { Auto, Ollama, Builtin }

/// <summary>afu.llm: which generator, and how the gateway calls it.</summary>
/// <param name="MaxInFlight">Calls to the primary generator at once (Ollama's OLLAMA_NUM_PARALLEL; default 1).</param>
/// <param name="MaxQueue">Requests waiting for a slot; beyond that a request is answered at once by the fallback.</param>
/// <param name="Timeout">Per attempt.</param>
/// <param name="MaxAttempts">Attempts per request on retryable failures (503/429/5xx, timeouts, broken or unusable output).</param>
/// <param name="BreakerMaxFailures">Consecutive failures that open the circuit.</param>
/// <param name="BreakerReset">How long the circuit stays open before one probe request is let through.</param>
/// <param name="RateLimit">Calls started per second at most; 0 = unlimited.</param>
/// <param name="ProbeTimeout">How long `auto` waits for Ollama to answer at start.</param>
/// <param name="ServerQueue">Calls sent beyond <paramref name="MaxInFlight"/> to wait in the server's own queue, so a
/// slot that frees starts its next text at once (no round trip through the gateway between two texts).</param>
public sealed record LlmSettings(
    LlmMode Mode,
    string OllamaHost,
    string Model,
    int MaxInFlight,
    int MaxQueue,
    TimeSpan Timeout,
    int MaxAttempts,
    TimeSpan RetryBaseDelay,
    TimeSpan RetryMaxDelay,
    int BreakerMaxFailures,
    TimeSpan BreakerReset,
    double RateLimit,
    TimeSpan ProbeTimeout,
    int ServerQueue = 0)
{
    /// <summary>afu.llm, as the catalog declares it.</summary>
    public static LlmSettings Read(SettingsReader r) => new(
        Mode: r.Enum<LlmMode>(SettingsCatalog.LlmMode),
        OllamaHost: r.Url(SettingsCatalog.OllamaHost),
        Model: r.String(SettingsCatalog.Model),
        MaxInFlight: r.Int(SettingsCatalog.MaxInFlight),
        MaxQueue: r.Int(SettingsCatalog.MaxQueue),
        Timeout: r.Duration(SettingsCatalog.LlmTimeout),
        MaxAttempts: r.Int(SettingsCatalog.RetryMaxAttempts),
        RetryBaseDelay: r.Duration(SettingsCatalog.RetryBaseDelay),
        RetryMaxDelay: r.Duration(SettingsCatalog.RetryMaxDelay),
        BreakerMaxFailures: r.Int(SettingsCatalog.BreakerMaxFailures),
        BreakerReset: r.Duration(SettingsCatalog.BreakerReset),
        RateLimit: r.Double(SettingsCatalog.RateLimit),
        ProbeTimeout: r.Duration(SettingsCatalog.ProbeTimeout),
        ServerQueue: r.Int(SettingsCatalog.ServerQueue));
}
