namespace AkkaFakeUsers.Domain;

/// <summary>Heavy-tailed posting rates: each user's rate is the mean rate times a log-normal factor (mean 1), so a few users post a lot and most rarely.</summary>
/// <param name="Sigma">Spread of the log-normal; 1.2 gives a Gini of about 0.6 in posts per user. 0 = everyone posts at the same rate.</param>
/// <param name="MaxFactor">Cap on one user's rate relative to the mean.</param>
public sealed record ActivitySettings(bool HeavyTail = true, double Sigma = 1.2, double MaxFactor = 30);

/// <summary>Time-of-day pattern in simulated time: 24 relative weights (hour 0..23 UTC), each user shifted by a personal chronotype.</summary>
/// <param name="ChronotypeHours">Standard deviation of a user's personal shift of the curve, in hours.</param>
public sealed record DailyCurveSettings(bool Enabled, IReadOnlyList<double> Hourly, double ChronotypeHours = 1.0)
{
    /// <summary>Quiet nights, a morning bump, a lunch bump and an evening peak.</summary>
    public static readonly IReadOnlyList<double> DefaultHourly =
        [0.35, 0.2, 0.15, 0.1, 0.1, 0.15, 0.35, 0.7, 1.0, 1.0, 0.95, 1.0, 1.3, 1.2, 1.0, 0.95, 1.0, 1.15, 1.4, 1.7, 1.9, 1.8, 1.3, 0.7];

    public static DailyCurveSettings Default { get; } = new(true, DefaultHourly);
}

/// <summary>After a like, the user may follow the author: P = base + slope x match score (so follows prefer shared interests).</summary>
public sealed record FollowSettings(bool Enabled = true, double Base = 0.01, double Slope = 0.12, int MaxFollowing = 200);

/// <summary>Replies: the author of a commented post (and then the commenter) may answer; the chance shrinks with each level.</summary>
public sealed record ThreadSettings(bool Enabled = true, double ReplyProbability = 0.5, double Decay = 0.5, int MaxDepth = 3);

/// <summary>Trending topics: every period a subtopic may trend; it draws a share of its fans' posts and more likes.</summary>
public sealed record TrendSettings(bool Enabled = true, TimeSpan? Period = null, double Chance = 0.7, double PostShare = 0.4, double LikeBoost = 1.5)
{
    public TimeSpan PeriodOrDefault => Period ?? TimeSpan.FromHours(3);
}

/// <summary>Interest drift: each like moves a user's weights toward the liked interest by <paramref name="Rate"/>.</summary>
public sealed record DriftSettings(bool Enabled = true, double Rate = 0.01, int MaxInterests = 4, double DropBelow = 0.02);

/// <summary>New users joining over time: the population grows by this fraction of its configured size per simulated day.</summary>
public sealed record JoinSettings(double GrowthPerDay = 0.05);

/// <summary>Every realism knob (afu.behaviour in simulation.conf).</summary>
public sealed record BehaviourSettings(
    ActivitySettings Activity,
    DailyCurveSettings Daily,
    FollowSettings Follow,
    ThreadSettings Threads,
    TrendSettings Trends,
    DriftSettings Drift,
    JoinSettings Joining,
    CreatorSettings? Creators = null)
{
    /// <summary>Creator quality and post appeal (off unless configured).</summary>
    public CreatorSettings CreatorsOrOff => Creators ?? CreatorSettings.Off;

    public static BehaviourSettings Default { get; } = new(new(), DailyCurveSettings.Default, new(), new(), new(), new(), new());

    /// <summary>Everything off: uniform rates, no daily curve, no follows, threads, trends, drift or joiners.</summary>
    public static BehaviourSettings Off { get; } = new(
        new(HeavyTail: false), DailyCurveSettings.Default with { Enabled = false }, new(Enabled: false), new(Enabled: false),
        new(Enabled: false), new(Enabled: false), new(0));
}
