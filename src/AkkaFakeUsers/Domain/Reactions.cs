namespace AkkaFakeUsers.Domain;

public enum InteractionType { View, Like, Comment }

public static class InteractionTypes
{
    public static string Name(this InteractionType t) => t switch
    {
        InteractionType.View => "view",
        InteractionType.Like => "like",
        InteractionType.Comment => "comment",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}

/// <summary>The knobs of <see cref="Reactions.Decide"/> (afu.reactions in simulation.conf).</summary>
public sealed record ReactionSettings(
    double InteractionProbability = 0.7,
    double LikeBase = 0.01,
    double LikeSlope = 0.8,
    double CommentBase = 0.01,
    double CommentSlope = 0.1,
    TimeSpan? MaxDelay = null,
    bool InterestSignal = true,
    double LikeExponent = 6)
{
    public TimeSpan MaxDelayOrDefault => MaxDelay ?? TimeSpan.FromSeconds(60);
}

/// <summary>What a user will do with a post, and when (simulated time after the post was created).</summary>
public sealed record ReactionPlan(bool View, bool Like, bool Comment, TimeSpan ViewDelay, TimeSpan LikeDelay, TimeSpan CommentDelay)
{
    public static readonly ReactionPlan None = new(false, false, false, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>Pure reaction decisions: view (likely), like (rises with the match score), comment (rare).</summary>
public static class Reactions
{
    public static double ViewProbability(ReactionSettings s, double score) => Clamp01(s.InteractionProbability * (0.75 + 0.25 * Signal(s, score)));

    /// <param name="boost">Multiplier for a trending topic (applies only with the interest signal on, so the control stays a pure control).</param>
    public static double LikeProbability(ReactionSettings s, double score, double boost = 1.0) =>
        Clamp01((s.LikeBase + s.LikeSlope * Math.Pow(Signal(s, score), s.LikeExponent)) * (s.InterestSignal ? boost : 1.0));

    public static double CommentProbability(ReactionSettings s, double score) => Clamp01(s.CommentBase + s.CommentSlope * Signal(s, score));

    /// <summary>
    /// Decides with the given random source. Like and comment are conditional on a view. Delays fall in
    /// [0, max-delay], skewed early (most reactions come in the first seconds after a post, as on a real feed).
    /// </summary>
    public static ReactionPlan Decide(ReactionSettings s, double score, Random rng, double likeBoost = 1.0)
    {
        // Draw every number up front so the plan for a (user, post) pair is the same whatever the branch.
        var uView = rng.NextDouble();
        var uLike = rng.NextDouble();
        var uComment = rng.NextDouble();
        var dView = rng.NextDouble();
        var dLike = rng.NextDouble();
        var dComment = rng.NextDouble();

        var view = uView < ViewProbability(s, score);
        if (!view) return ReactionPlan.None;
        var like = uLike < LikeProbability(s, score, likeBoost);
        var comment = uComment < CommentProbability(s, score);

        var max = s.MaxDelayOrDefault.TotalSeconds;
        var viewAt = max * dView * dView * 0.8;
        var likeAt = Math.Min(max, viewAt + 1 + dLike * 7);
        var commentAt = Math.Min(max, viewAt + 5 + dComment * 20);
        return new ReactionPlan(true, like, comment,
            TimeSpan.FromSeconds(viewAt), TimeSpan.FromSeconds(likeAt), TimeSpan.FromSeconds(commentAt));
    }

    /// <summary>
    /// With the interest signal switched off, decisions ignore the match (a control for leak checks): every view is decided
    /// as if its score were 0.85, a typical matched score, so volumes stay comparable. The true score is still recorded.
    /// </summary>
    private static double Signal(ReactionSettings s, double score) => s.InterestSignal ? Clamp01(score) : 0.85;

    private static double Clamp01(double x) => x < 0 ? 0 : x > 1 ? 1 : x;
}
