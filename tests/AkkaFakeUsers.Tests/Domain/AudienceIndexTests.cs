using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;

namespace AkkaFakeUsers.Tests.Domain;

public class AudienceIndexTests
{
    private static AudienceIndex<int> Population(int n)
    {
        var index = new AudienceIndex<int>();
        for (var i = 1; i <= n; i++)
            index.Add($"user-{i}", ProfileRules.Create(1, i, InterestMix.Default).InterestNames.ToArray(), i);
        return index;
    }

    [Fact]
    public void Audience_is_bounded_interest_matched_with_exploration_and_never_the_author()
    {
        var index = Population(5000);
        var rng = new Random(3);
        var picked = 0; var explored = 0;
        for (var p = 0; p < 200; p++)
        {
            var audience = index.Select("anime", "user-1", 50, 0.1, rng);
            Assert.InRange(audience.Count, 50, 56);
            Assert.DoesNotContain(audience, a => a.Id == "user-1");
            Assert.Equal(audience.Count, audience.Select(a => a.Id).Distinct().Count());
            foreach (var a in audience.Where(a => !a.Exploration))
                Assert.Contains("anime", ProfileRules.Create(1, a.Value, InterestMix.Default).InterestNames);
            picked += audience.Count;
            explored += audience.Count(a => a.Exploration);
        }
        var share = (double)explored / picked;
        Assert.InRange(share, 0.07, 0.12);
    }

    [Fact]
    public void Small_populations_get_everyone_interested_and_removal_works()
    {
        var index = new AudienceIndex<string>();
        index.Add("a", ["food"], "A");
        index.Add("b", ["food", "tech"], "B");
        index.Add("c", ["tech"], "C");
        var audience = index.Select("food", "a", 50, 0, new Random(1));
        Assert.Equal(["b"], audience.Select(x => x.Id).ToArray());
        index.Remove("b");
        Assert.Empty(index.Select("food", "a", 50, 0, new Random(1)));
        Assert.Equal(2, index.Count);
        Assert.Equal(1, index.CountByInterest["tech"]);
    }
}
