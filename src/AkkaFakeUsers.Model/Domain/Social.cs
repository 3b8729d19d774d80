namespace AkkaFakeUsers.Domain;

/// <summary>Follow and reply decisions.</summary>
public static class Social
{
    /// <summary>P(follow the author | the user liked the post): rises with the match score, so edges prefer shared interests.</summary>
    public static double FollowProbability(FollowSettings s, double score) => s.Enabled ? Math.Clamp(s.Base + s.Slope * score, 0, 1) : 0;

    public static bool ShouldFollow(FollowSettings s, double score, int following, bool alreadyFollowing, Random rng) =>
        s.Enabled && !alreadyFollowing && following < s.MaxFollowing && rng.NextDouble() < FollowProbability(s, score);

    /// <summary>P(reply) to a comment at thread depth <paramref name="depth"/> (1 = a comment on a post): p x decay^(depth-1), 0 beyond max depth.</summary>
    public static double ReplyProbability(ThreadSettings s, int depth) =>
        !s.Enabled || depth < 1 || depth >= s.MaxDepth ? 0 : s.ReplyProbability * Math.Pow(s.Decay, depth - 1);
}

/// <summary>
/// What is trending: a pure function of (seed, simulated time since the run started), so every node agrees without
/// talking and two runs with one seed have the same trend schedule. A post records whether it was trending.
/// </summary>
public sealed record Trend(string Interest, string Subtopic, DateTime Start, DateTime End);

public static class Trends
{
    public static Trend? At(TrendSettings s, long seed, DateTime simTime, IReadOnlyList<string> enabled, DateTime origin)
    {
        if (!s.Enabled || enabled.Count == 0) return null;
        var period = s.PeriodOrDefault;
        var k = (long)Math.Floor((double)(simTime - origin).Ticks / period.Ticks);
        var rng = DeterministicRandom.For(seed, "trend", k.ToString());
        if (rng.NextDouble() >= s.Chance) return null;
        var interest = InterestCatalog.Get(enabled[rng.Next(enabled.Count)]);
        var sub = interest.Subtopics[rng.Next(interest.Subtopics.Count)];
        var start = origin + TimeSpan.FromTicks(k * period.Ticks);
        return new Trend(interest.Name, sub, start, start + period);
    }

    public static bool IsTrending(Trend? t, string interest, string subtopic) =>
        t is not null && string.Equals(t.Interest, interest, StringComparison.OrdinalIgnoreCase) && string.Equals(t.Subtopic, subtopic, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Interest drift: each like pulls the user's weights a little toward the liked interest.</summary>
public static class Drift
{
    /// <summary>
    /// w' = (1 - rate) w + rate x onehot(liked); a liked interest the user did not have enters at weight = rate (when
    /// there is room), interests falling below drop-below leave. Weights stay sorted and sum to 1.
    /// </summary>
    public static IReadOnlyList<InterestWeight> Apply(DriftSettings s, IReadOnlyList<InterestWeight> current, string likedInterest)
    {
        if (!s.Enabled || s.Rate <= 0 || current.Count == 0) return current;
        var list = current.Select(i => i with { Weight = i.Weight * (1 - s.Rate) }).ToList();
        var idx = list.FindIndex(i => string.Equals(i.Interest, likedInterest, StringComparison.OrdinalIgnoreCase));
        if (idx >= 0) list[idx] = list[idx] with { Weight = list[idx].Weight + s.Rate };
        else if (list.Count < s.MaxInterests && InterestCatalog.TryGet(likedInterest, out var cat)) list.Add(new InterestWeight(cat.Name, s.Rate, []));
        else return current;
        list = list.Where((i, n) => i.Weight >= s.DropBelow || n == 0).ToList();
        var total = list.Sum(i => i.Weight);
        return list.Select(i => i with { Weight = Math.Round(i.Weight / total, 4) }).OrderByDescending(i => i.Weight).ToArray();
    }
}

/// <summary>Population over time: the configured count plus the users who joined since the run started.</summary>
public static class Population
{
    /// <summary>base + floor(base x growth-per-day x days elapsed): joiners get the next indexes (user-N+1, …).</summary>
    public static int TargetAt(int baseTarget, JoinSettings s, TimeSpan simElapsed) =>
        s.GrowthPerDay <= 0 || simElapsed <= TimeSpan.Zero
            ? baseTarget
            : (int)Math.Min(int.MaxValue / 2, baseTarget + Math.Floor(baseTarget * s.GrowthPerDay * simElapsed.TotalDays));
}
