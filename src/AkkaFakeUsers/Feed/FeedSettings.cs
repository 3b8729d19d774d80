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
    bool PerSlate = false)
{
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
        return new FeedSettings(
            Policies: policies,
            Exploration: r.Double(SettingsCatalog.Exploration),
            RandomShare: r.Double(SettingsCatalog.RandomShare),
            Candidates: r.Int(SettingsCatalog.Candidates),
            PoolSize: r.Int(SettingsCatalog.PoolSize),
            MaxPostAge: r.Duration(SettingsCatalog.MaxPostAge),
            Shadows: shadows,
            LearnedRefresh: r.Duration(SettingsCatalog.LearnedRefresh),
            PerSlate: r.Enum<PolicyAssignment>(SettingsCatalog.PolicyAssignment) == PolicyAssignment.Slate);
    }
}
