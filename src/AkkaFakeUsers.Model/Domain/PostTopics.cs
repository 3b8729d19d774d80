namespace AkkaFakeUsers.Domain;

/// <summary>Which interest and subtopic a user writes about next: weighted by the user's interests, favourite subtopics 60% of the time.</summary>
public static class PostTopics
{
    /// <param name="trend">What trends now: a user who has its interest writes about it with probability <paramref name="trendShare"/>.</param>
    public static (string Interest, string Subtopic) Choose(UserProfile profile, Random rng, Trend? trend = null, double trendShare = 0)
    {
        // Draw the trend coin first and always, so the rest of the choice does not depend on whether a trend is on.
        var uTrend = rng.NextDouble();
        if (trend is not null && uTrend < trendShare && profile.Interests.Any(i => string.Equals(i.Interest, trend.Interest, StringComparison.OrdinalIgnoreCase)))
            return (trend.Interest, trend.Subtopic);
        var x = rng.NextDouble() * profile.Interests.Sum(i => i.Weight);
        var chosen = profile.Interests[^1];
        foreach (var i in profile.Interests)
        {
            x -= i.Weight;
            if (x < 0) { chosen = i; break; }
        }
        var catalog = InterestCatalog.Get(chosen.Interest);
        var sub = chosen.FavoriteSubtopics.Count > 0 && rng.NextDouble() < 0.6
            ? chosen.FavoriteSubtopics[rng.Next(chosen.FavoriteSubtopics.Count)]
            : catalog.Subtopics[rng.Next(catalog.Subtopics.Count)];
        return (chosen.Interest, sub);
    }
}
