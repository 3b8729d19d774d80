using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>The impression model's label choice and its user x interest ablation, on impression logs whose truth is known.</summary>
public class ImpressionEvaluatorTests
{
    private static readonly DateTime T0 = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>40 users, 20 authors of which half write posts that get opened four times as often, whatever the reader's interest.</summary>
    private static DatasetTables AuthorsDiffer(bool authorMatters)
    {
        var users = Enumerable.Range(1, 40).Select(u => new DsUser($"user-{u}", u % 2 == 0 ? ["sports"] : ["tech"], T0)).ToList();
        var posts = Enumerable.Range(1, 400).Select(p => new DsPost($"author-{p % 20}/post-{p}", $"author-{p % 20}", p % 2 == 0 ? "sports" : "tech", "x",
            T0.AddSeconds(p), new string('a', 120), "builtin", false)).ToList();
        var rng = new Random(5);
        var impressions = new List<DsImpression>();
        var t = T0.AddHours(1);
        for (var s = 0; s < 1500; s++)
        {
            var user = users[rng.Next(users.Count)];
            t = t.AddSeconds(30);
            for (var pos = 1; pos <= 6; pos++)
            {
                var post = posts[rng.Next(posts.Count)];
                var good = authorMatters && int.Parse(post.AuthorId["author-".Length..]) < 10;
                var p = (user.Interests.Contains(post.Interest) ? 0.12 : 0.06) * (good ? 2 : authorMatters ? 0.5 : 1);
                var opened = rng.NextDouble() < p;
                impressions.Add(new DsImpression($"s{s}#{pos}", $"s{s}", user.Id, post.Id, pos, "interest", 1, 0.5, 40, false, t, true, opened, 0,
                    opened && rng.NextDouble() < 0.5, false, false, 0.5));
            }
        }
        return new DatasetTables(users, posts, [], [], impressions);
    }

    [Fact]
    public void With_label_opened_a_model_that_knows_the_authors_beats_user_by_interest_alone_when_authors_differ()
    {
        var e = ImpressionEvaluator.Evaluate(AuthorsDiffer(authorMatters: true), label: ImpressionLabel.Opened);
        Assert.Equal("opened", e.Label);
        Assert.NotNull(e.UserInterestOnly);
        Assert.True(e.Model.Auc >= e.UserInterestOnly!.Auc + 0.03, $"with authors {e.Model.Auc:F3}, user x interest {e.UserInterestOnly.Auc:F3}");
        Assert.True(e.UserInterestOnly.Auc > e.Random.Auc, $"user x interest {e.UserInterestOnly.Auc:F3}, random {e.Random.Auc:F3}");
        // the engaged label counts likes only: far fewer positives than opens
        var engaged = ImpressionEvaluator.Evaluate(AuthorsDiffer(authorMatters: true));
        Assert.Equal("engaged", engaged.Label);
        Assert.True(engaged.TrainEngagedRate < e.TrainEngagedRate, $"engaged {engaged.TrainEngagedRate}, opened {e.TrainEngagedRate}");
    }

    [Fact]
    public void When_authors_do_not_differ_their_features_add_nothing()
    {
        var e = ImpressionEvaluator.Evaluate(AuthorsDiffer(authorMatters: false), label: ImpressionLabel.Opened);
        Assert.InRange(e.Model.Auc - e.UserInterestOnly!.Auc, -0.03, 0.03);
    }
}
