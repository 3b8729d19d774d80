namespace AkkaFakeUsers.Domain;

/// <summary>How well a post fits a user: the interest-match score (0..1) recorded with every interaction.</summary>
public static class Matching
{
    /// <summary>
    /// Shared interest: 0.55..0.85 by the interest's weight relative to the user's strongest, +0.15 for a favourite subtopic.
    /// No shared interest: at most 0.18, from how related the post's interest is to the user's.
    /// </summary>
    public static double Score(IReadOnlyList<InterestWeight> interests, string postInterest, string postSubtopic)
    {
        if (interests.Count == 0) return 0;
        var max = interests.Max(i => i.Weight);
        foreach (var i in interests)
        {
            if (!string.Equals(i.Interest, postInterest, StringComparison.OrdinalIgnoreCase)) continue;
            var rel = max > 0 ? i.Weight / max : 1;
            var fav = i.FavoriteSubtopics.Contains(postSubtopic, StringComparer.OrdinalIgnoreCase) ? 0.15 : 0;
            return Math.Round(Math.Min(1.0, 0.55 + 0.3 * rel + fav), 4);
        }
        var affinity = interests.Max(i => InterestCatalog.Affinity(i.Interest, postInterest));
        return Math.Round(0.3 * affinity, 4);
    }
}
