using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Feed;

/// <summary>afu.feed.assignment: a policy of the mix per user for good, or drawn per slate (an A/B test randomised by session).</summary>
public enum PolicyAssignment { User, Slate }

/// <summary>How the feeds serve slates (afu.feed): the policy mix, exploration, the random share, retrieval and the pool.</summary>
public sealed record FeedSettings(
    IReadOnlyList<PolicyChoice> Policies,
    double Exploration,
    double RandomShare,
    int Candidates,
    int PoolSize,
    TimeSpan MaxPostAge,
    IReadOnlyList<PolicyChoice> Shadows,
    TimeSpan LearnedRefresh,
    bool PerSlate = false,
    IReadOnlyDictionary<string, ExternalPolicySettings>? Externals = null)
{
    /// <summary>For each external policy's NAME, its fallback built-in policy (what <see cref="PolicySpec.From"/> takes).</summary>
    public IReadOnlyDictionary<string, string> ExternalFallbacks =>
        (Externals ?? new Dictionary<string, ExternalPolicySettings>()).ToDictionary(kv => kv.Key, kv => kv.Value.Fallback, StringComparer.Ordinal);

    /// <summary>afu.feed, as the catalog declares it; a policy mix that does not parse is reported with the other problems.</summary>
    public static FeedSettings Read(SettingsReader r)
    {
        var text = r.String(SettingsCatalog.FeedPolicies);
        if (!PolicyMixText.TryParse(text, out var policies, out var error))
            r.Fail($"afu.feed.policies ({r.Origin(SettingsCatalog.FeedPolicies)}): {error}");
        var shadows = new List<PolicyChoice>();
        foreach (var name in r.StringList(SettingsCatalog.ShadowPolicies))
        {
            if (PolicyMixText.TryParseOne(name, 1, out var shadow, out var shadowError)) shadows.Add(shadow);
            else r.Fail($"afu.feed.shadow-policies ({r.Origin(SettingsCatalog.ShadowPolicies)}): {shadowError}");
        }
        var externals = ReadExternals(r);
        foreach (var choice in policies.Concat(shadows))
            if (PolicyMixText.ExternalName(choice.Policy) is { } name && !externals.ContainsKey(name))
                r.Fail($"{choice.Policy} is named in afu.feed.policies or afu.feed.shadow-policies but afu.feed.external.{name}.url is not set " +
                       $"(e.g. --config with afu.feed.external.{name}.url = \"http://127.0.0.1:8000/score\", or env AFU__FEED__EXTERNAL__{name.Replace('-', '_').ToUpperInvariant()}__URL)");
        return new FeedSettings(
            Policies: policies,
            Exploration: r.Double(SettingsCatalog.Exploration),
            RandomShare: r.Double(SettingsCatalog.RandomShare),
            Candidates: r.Int(SettingsCatalog.Candidates),
            PoolSize: r.Int(SettingsCatalog.PoolSize),
            MaxPostAge: r.Duration(SettingsCatalog.MaxPostAge),
            Shadows: shadows,
            LearnedRefresh: r.Duration(SettingsCatalog.LearnedRefresh),
            PerSlate: r.Enum<PolicyAssignment>(SettingsCatalog.PolicyAssignment) == PolicyAssignment.Slate,
            Externals: externals);
    }

    private static readonly string[] ExternalKeys = ["url", "timeout", "fallback", "max-in-flight", "breaker-failures", "breaker-reset"];

    /// <summary>afu.feed.external.NAME.{url, timeout, fallback, max-in-flight, breaker-failures, breaker-reset}.</summary>
    private static Dictionary<string, ExternalPolicySettings> ReadExternals(SettingsReader r)
    {
        var result = new Dictionary<string, ExternalPolicySettings>(StringComparer.Ordinal);
        const string root = "afu.feed.external";
        foreach (var name in r.MapKeys(root))
        {
            if (!PolicyMixText.IsExternalName(name))
            {
                r.Fail($"{root}.{name}: a NAME of letters, digits, '-' and '_' only (lower case)");
                continue;
            }
            var at = $"{root}.{name}";
            foreach (var key in r.MapKeys(at))
                if (!ExternalKeys.Contains(key)) r.Fail($"{at}.{key}: unknown key; allowed: {string.Join(", ", ExternalKeys)}");
            Setting S(string key, SettingKind kind) => SettingsCatalog.ExternalPolicies with { Key = $"{at}.{key}", Kind = kind };
            var url = r.Url(S("url", SettingKind.Url));
            var timeout = r.Has($"{at}.timeout") ? r.Duration(S("timeout", SettingKind.Duration)) : TimeSpan.FromMilliseconds(50);
            var fallback = r.Has($"{at}.fallback") ? r.String(S("fallback", SettingKind.String)).ToLowerInvariant() : "interest";
            if (!PolicyMixText.Names.Contains(fallback)) r.Fail($"{at}.fallback = '{fallback}': must be a built-in policy: {string.Join(", ", PolicyMixText.Names)}");
            var inFlight = r.Has($"{at}.max-in-flight") ? r.Int(S("max-in-flight", SettingKind.Int) with { Min = 1, Max = 10_000 }) : 32;
            var failures = r.Has($"{at}.breaker-failures") ? r.Int(S("breaker-failures", SettingKind.Int) with { Min = 1, Max = 1_000_000 }) : 5;
            var reset = r.Has($"{at}.breaker-reset") ? r.Duration(S("breaker-reset", SettingKind.Duration)) : TimeSpan.FromSeconds(10);
            result[name] = new ExternalPolicySettings(name, url, timeout, fallback, inFlight, failures, reset);
        }
        return result;
    }
}

/// <summary>One ranking service behind an external:NAME policy (afu.feed.external.NAME).</summary>
public sealed record ExternalPolicySettings(string Name, string Url, TimeSpan Timeout, string Fallback, int MaxInFlight, int BreakerFailures, TimeSpan BreakerReset)
{
    /// <summary>Requests beyond max-in-flight wait here; beyond this many waiting, a slate falls back at once (reason queue-full).</summary>
    public const int QueueLimit = 10_000;
}
