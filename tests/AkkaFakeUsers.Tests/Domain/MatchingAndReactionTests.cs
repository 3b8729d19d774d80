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
    public void Like_probability_rises_with_match_score_at_least_threefold_and_opening_is_likelier_than_liking_or_commenting()
    {
        var s = new ReactionSettings();
        Assert.True(Reactions.LikeProbability(s, 0.9) >= 3 * Reactions.LikeProbability(s, 0.1));
        foreach (var score in new[] { 0.1, 0.5, 0.9 })
            Assert.True(Reactions.ViewProbability(s, score) > Reactions.LikeProbability(s, score) && Reactions.ViewProbability(s, score) > Reactions.CommentProbability(s, score),
                $"score {score}");
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
