using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Tests.Domain;

public class MatchingAndReactionTests
{
    private static readonly InterestWeight[] SportsTech =
    [
        new("sports", 0.7, ["NBA"]),
        new("tech", 0.3, ["AI"]),
    ];

    [Fact]
    public void Shared_interest_scores_high_favourite_subtopic_higher_unrelated_low()
    {
        var favourite = Matching.Score(SportsTech, "sports", "NBA");
        var primary = Matching.Score(SportsTech, "sports", "tennis");
        var secondary = Matching.Score(SportsTech, "tech", "crypto");
        var unrelated = Matching.Score(SportsTech, "anime", "mecha");
        Assert.Equal(1.0, favourite, 3);
        Assert.True(primary > secondary, $"{primary} <= {secondary}");
        Assert.InRange(secondary, 0.55, 0.85);
        Assert.InRange(unrelated, 0.0, 0.2);
        Assert.True(Matching.Score(SportsTech, "cars", "JDM") > unrelated, "cars is closer to sports/tech than anime");
    }

    [Fact]
    public void Like_rate_rises_with_match_score_at_least_threefold()
    {
        var s = new ReactionSettings();
        double Rate(double score)
        {
            var rng = new Random(1);
            var views = 0; var likes = 0;
            for (var i = 0; i < 20000; i++)
            {
                var p = Reactions.Decide(s, score, rng);
                if (p.View) views++;
                if (p.Like) likes++;
            }
            return (double)likes / views;
        }
        var high = Rate(0.9);
        var low = Rate(0.1);
        Assert.True(high >= 3 * low, $"like rate high {high:F3} vs low {low:F3}");
        Assert.InRange(high, Reactions.LikeProbability(s, 0.9) - 0.02, Reactions.LikeProbability(s, 0.9) + 0.02);
    }

    [Fact]
    public void Views_outnumber_likes_outnumber_comments_and_likes_need_a_view()
    {
        var s = new ReactionSettings();
        var rng = new Random(5);
        int views = 0, likes = 0, comments = 0;
        for (var i = 0; i < 20000; i++)
        {
            var p = Reactions.Decide(s, rng.NextDouble(), rng);
            if (!p.View) Assert.False(p.Like || p.Comment);
            views += p.View ? 1 : 0;
            likes += p.Like ? 1 : 0;
            comments += p.Comment ? 1 : 0;
        }
        Assert.True(views > likes && likes > comments && comments > 0, $"{views} {likes} {comments}");
        Assert.InRange(views / 20000.0, 0.5, 0.75);
    }

    [Fact]
    public void Delays_stay_within_max_delay_and_come_early_more_often()
    {
        var s = new ReactionSettings(MaxDelay: TimeSpan.FromSeconds(60));
        var rng = new Random(9);
        var plans = Enumerable.Range(0, 5000).Select(_ => Reactions.Decide(s, 0.9, rng)).Where(p => p.View).ToList();
        Assert.All(plans, p =>
        {
            Assert.InRange(p.ViewDelay.TotalSeconds, 0, 60);
            Assert.InRange(p.LikeDelay.TotalSeconds, p.ViewDelay.TotalSeconds, 60);
            Assert.InRange(p.CommentDelay.TotalSeconds, p.ViewDelay.TotalSeconds, 60);
        });
        var early = plans.Count(p => p.ViewDelay.TotalSeconds < 20);
        Assert.True(early > plans.Count / 2, $"{early} of {plans.Count} views in the first 20 s");
    }

    [Fact]
    public void Decisions_are_reproducible_for_the_same_seed()
    {
        var s = new ReactionSettings();
        var a = Reactions.Decide(s, 0.6, DeterministicRandom.For(7, "react", "user-1|user-2/post-1"));
        var b = Reactions.Decide(s, 0.6, DeterministicRandom.For(7, "react", "user-1|user-2/post-1"));
        Assert.Equal(a, b);
        Assert.Equal(DeterministicRandom.Seed(7, "x", "y"), DeterministicRandom.Seed(7, "x", "y"));
        Assert.NotEqual(DeterministicRandom.Seed(7, "x", "y"), DeterministicRandom.Seed(8, "x", "y"));
    }

    [Fact]
    public void With_the_interest_signal_off_probabilities_ignore_the_score()
    {
        var off = new ReactionSettings(InterestSignal: false);
        Assert.Equal(Reactions.LikeProbability(off, 0.95), Reactions.LikeProbability(off, 0.05));
        Assert.Equal(Reactions.ViewProbability(off, 0.95), Reactions.ViewProbability(off, 0.05));
        var on = new ReactionSettings();
        Assert.True(Reactions.LikeProbability(on, 0.95) > Reactions.LikeProbability(on, 0.05));
    }
}
