namespace AkkaFakeUsers.Domain;

/// <summary>Hide: the explicit negative (the user asked to see less of this post).</summary>
public enum InteractionType { View, Like, Comment, Hide }

public static class InteractionTypes
{
    public static string Name(this InteractionType t) => t switch
    {
        InteractionType.View => "view",
        InteractionType.Like => "like",
        InteractionType.Comment => "comment",
        InteractionType.Hide => "hide",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}

/// <summary>The knobs of <see cref="Reactions"/> (afu.reactions in simulation.conf). P(open | examined) =
/// interaction-probability x ((1 - open-match-weight) + open-match-weight x score^open-match-exponent) x the post's appeal
/// factor; the seed's 0.25 and 1 make it rise a little with the match, the calibrated profile's make it depend on it strongly.</summary>
public sealed record ReactionSettings(
    double InteractionProbability = 0.7,
    double LikeBase = 0.01,
    double LikeSlope = 0.8,
    double CommentBase = 0.01,
    double CommentSlope = 0.1,
    bool InterestSignal = true,
    double LikeExponent = 6,
    double OpenMatchWeight = 0.25,
    double OpenMatchExponent = 1);

/// <summary>Pure reaction probabilities of an examined post: open (a view; likely), like (rises steeply with the match score), comment (rare). <see cref="Sessions.Examine"/> draws them.</summary>
public static class Reactions
{
    /// <param name="openFactor">The post's appeal factor (<see cref="Creators"/>); it applies only with the interest signal on, so the control stays a pure control.</param>
    public static double ViewProbability(ReactionSettings s, double score, double openFactor = 1.0)
    {
        var signal = Signal(s, score);
        var match = s.OpenMatchExponent == 1 ? signal : Math.Pow(signal, s.OpenMatchExponent);
        var p = s.InteractionProbability * (1 - s.OpenMatchWeight + s.OpenMatchWeight * match);
        return Clamp01(s.InterestSignal ? p * openFactor : p);
    }

    /// <param name="boost">Multiplier for a trending topic (applies only with the interest signal on, so the control stays a pure control).</param>
    public static double LikeProbability(ReactionSettings s, double score, double boost = 1.0) =>
        Clamp01((s.LikeBase + s.LikeSlope * Math.Pow(Signal(s, score), s.LikeExponent)) * (s.InterestSignal ? boost : 1.0));

    public static double CommentProbability(ReactionSettings s, double score) => Clamp01(s.CommentBase + s.CommentSlope * Signal(s, score));

    /// <summary>
    /// With the interest signal switched off, decisions ignore the match (a control for leak checks): every view is decided
    /// as if its score were 0.85, a typical matched score, so volumes stay comparable. The true score is still recorded.
    /// </summary>
    private static double Signal(ReactionSettings s, double score) => s.InterestSignal ? Clamp01(score) : 0.85;

    private static double Clamp01(double x) => x < 0 ? 0 : x > 1 ? 1 : x;
}
