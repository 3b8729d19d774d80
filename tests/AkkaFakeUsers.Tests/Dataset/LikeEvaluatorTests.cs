using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>The evaluator's features are known before each view: what happens in the test period never reaches them.</summary>
public class LikeEvaluatorTests
{
    private static readonly DateTime T0 = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DatasetTables Synthetic(bool likesInTestPeriod)
    {
        var users = Enumerable.Range(1, 30).Select(u => new DsUser($"user-{u}", u % 2 == 0 ? ["sports"] : ["tech", "food"], T0)).ToList();
        var posts = Enumerable.Range(1, 60).Select(p => new DsPost($"user-{p % 10 + 1}/post-{p}", $"user-{p % 10 + 1}", p % 3 == 0 ? "sports" : "tech", "x",
            T0.AddMinutes(p), new string('a', 60 + p), "builtin", false)).ToList();
        var interactions = new List<DsInteraction>();
        var rng = new Random(3);
        var t = T0.AddHours(2);
        var seen = new HashSet<(string, string)>();
        for (var k = 0; k < 1000; k++)
        {
            DsUser user;
            DsPost post;
            do
            {
                user = users[rng.Next(users.Count)];
                post = posts[rng.Next(posts.Count)];
            } while (!seen.Add((user.Id, post.Id))); // a user views a post once, as in the simulator
            t = t.AddSeconds(10);
            interactions.Add(new DsInteraction(user.Id, post.Id, "view", t, 0.5, null, "interest", 0));
            var testPeriod = k >= 800;
            if (rng.NextDouble() < (user.Interests.Contains(post.Interest) ? 0.6 : 0.1) && (likesInTestPeriod || !testPeriod))
                interactions.Add(new DsInteraction(user.Id, post.Id, "like", t.AddSeconds(1), 0.5, null, "interest", 0));
        }
        return new DatasetTables(users, posts, interactions, [], []);
    }

    [Fact]
    public void Test_view_features_do_not_change_when_the_test_periods_likes_do()
    {
        var with = LikeEvaluator.TestFeatures(Synthetic(likesInTestPeriod: true));
        var without = LikeEvaluator.TestFeatures(Synthetic(likesInTestPeriod: false));
        Assert.Equal(200, with.Count);
        Assert.Equal(with.Count, without.Count);
        for (var i = 0; i < with.Count; i++) Assert.Equal(with[i], without[i]);
        // and the features do depend on the training period's likes (the check above is not vacuous)
        Assert.Contains(with, f => f.Distinct().Count() > 3);
    }
}
