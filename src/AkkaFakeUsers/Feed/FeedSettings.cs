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
    bool PerSlate = false);
