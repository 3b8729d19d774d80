using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Users;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Feed;

/// <summary>
/// The logged propensities are the true probabilities: serving many slates from one fixed pool and request (only the slate
/// id, hence the random draw, changes) gives empirical frequencies of every (post, position) within sampling error of the
/// propensity logged for it.
/// </summary>
public class PropensityTests(ITestOutputHelper output)
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    internal static FeedServer Server(string mix, double exploration = 0.2, double randomShare = 0, int candidates = 30, IReadOnlyList<string>? shadows = null)
    {
        var learned = new LearnedModel();
        Assert.True(PolicyMixText.TryParse(mix, out var choices, out var error), error);
        var shadowSpecs = (shadows ?? []).Select(n =>
        {
            Assert.True(PolicyMixText.TryParseOne(n, 1, out var c, out var e), e);
            return PolicySpec.From(c, exploration, learned);
        }).ToArray();
        var server = new FeedServer(new FeedServing(7, PolicyMix.From(choices, exploration, learned), exploration, candidates, randomShare, 1000,
            TimeSpan.FromHours(6), shadowSpecs, learned));
        var interests = new[] { "sports", "tech", "food" };
        var rng = new Random(11);
        for (var i = 0; i < 40; i++)
        {
            var interest = interests[i % 3];
            server.Pool.Add(new PostPublished($"user-{100 + i % 13}/post-{i}", $"user-{100 + i % 13}", i, "text", interest, "sub" + i % 4,
                Now.AddMinutes(-5 * i), "builtin", "v", Trending: i % 7 == 0));
            for (var l = rng.Next(6); l > 0; l--) server.Pool.Like($"user-{100 + i % 13}/post-{i}");
        }
        // the learned policy scores with weights trained on a few synthetic outcomes
        for (var i = 0; i < 500; i++) learned.Learn(new CandidateFeatures(i % 10 / 10.0, i % 5, i % 3, i % 4 == 0, false), i % 10 >= 7);
        learned.Refresh();
        return server;
    }

    internal static SlateRequest Request(int n) => new("user-1", $"user-1/session-{n}", $"user-1/session-{n}/slate-1", 5,
        [new InterestWeight("sports", 0.6, ["sub1"]), new InterestWeight("tech", 0.4, [])], new HashSet<string> { "user-105" }, Now);

    [Theory]
    [InlineData("interest")]
    [InlineData("popular")]
    [InlineData("chronological")]
    [InlineData("random")]
    [InlineData("learned")]
    [InlineData("epsilon:0.5:popular")]
    public void Empirical_frequencies_of_post_and_position_match_the_logged_propensities(string policy)
    {
        var server = Server(policy, randomShare: 0.1);
        const int n = 20_000;
        var counts = new Dictionary<(string, int), int>();
        var logged = new Dictionary<(string Post, int Position, bool Random), double>();
        var randomSlates = 0;
        for (var i = 0; i < n; i++)
        {
            var slate = server.Serve(Request(i));
            Assert.Equal(5, slate.Items.Count);
            Assert.Equal(30, slate.Candidates);
            if (slate.IsRandom) randomSlates++;
            foreach (var item in slate.Items)
            {
                var key = (item.Post.PostId, item.Position);
                counts[key] = counts.GetValueOrDefault(key) + 1;
                var lk = (item.Post.PostId, item.Position, slate.IsRandom);
                if (logged.TryGetValue(lk, out var p)) Assert.Equal(p, item.Propensity, 12); // one (post, position) always logs one probability
                logged[lk] = item.Propensity;
                if (slate.IsRandom) Assert.Equal(1.0 / 30, item.Propensity, 12);
                Assert.InRange(item.Propensity, 1e-9, 1.0);
            }
        }
        Assert.InRange(randomSlates, 0.1 * n - 4 * Math.Sqrt(0.09 * n), 0.1 * n + 4 * Math.Sqrt(0.09 * n));

        // The whole logging process: the random share (1/N) or the policy (its logged propensity).
        var worst = 0.0;
        foreach (var ((post, position), count) in counts)
        {
            var policyP = logged.TryGetValue((post, position, false), out var pp) ? pp : Fallback(logged, position);
            var expected = 0.1 / 30 + 0.9 * policyP;
            var sd = Math.Sqrt(expected * (1 - expected) / n);
            var z = Math.Abs(count / (double)n - expected) / sd;
            worst = Math.Max(worst, z);
            Assert.True(z < 5, $"{post} at {position}: seen {count / (double)n:F5}, logged {expected:F5} (z {z:F1})");
        }
        output.WriteLine($"{policy}: {counts.Count} (post, position) pairs, worst z {worst:F2}");
        // and each position's propensities over the candidate pool sum to 1
        for (var pos = 1; pos <= 5; pos++)
        {
            var sum = logged.Where(kv => kv.Key.Position == pos && !kv.Key.Random).Sum(kv => kv.Value);
            var unseen = 30 - logged.Count(kv => kv.Key.Position == pos && !kv.Key.Random);
            Assert.Equal(1.0, sum + unseen * Fallback(logged, pos), 9);
        }
    }

    /// <summary>A candidate the policy never showed at this position from its top list: its propensity is epsilon / N (1/N for uniform).</summary>
    private static double Fallback(Dictionary<(string Post, int Position, bool Random), double> logged, int position) =>
        logged.Where(kv => kv.Key.Position == position && !kv.Key.Random).Min(kv => kv.Value);

    [Fact]
    public void Shadow_propensities_are_the_other_policies_exact_probabilities_of_the_shown_slots()
    {
        var server = Server("interest", shadows: ["popular", "random", "interest"]);
        for (var i = 0; i < 200; i++)
        {
            var slate = server.Serve(Request(i));
            foreach (var item in slate.Items)
            {
                Assert.Equal(item.Propensity, item.Shadow!["interest"], 12);
                Assert.Equal(1.0 / 30, item.Shadow["random"], 12);
                Assert.Contains(item.Shadow["popular"], new[] { 0.2 / 30, 0.8 + 0.2 / 30 });
            }
        }
    }

    [Fact]
    public void The_default_mix_gives_every_candidate_a_non_zero_probability_at_every_position()
    {
        var server = Server("interest=0.8, popular=0.2", exploration: 0.05);
        var slate = server.Serve(Request(1));
        Assert.All(slate.Items, i => Assert.True(i.Propensity >= 0.05 / slate.Candidates));
        Assert.Equal(1.0 / 30, SlateSampler.Propensity(SlateSampler.TopK(new double[30], 5), 29, 0, 1.0, 30), 12);
    }
    [Theory]
    [InlineData("interest")]
    [InlineData("epsilon:0.5:popular")]
    [InlineData("random")]
    public void Empirical_frequencies_of_slate_prefixes_match_the_logged_cascade_propensities(string policy)
    {
        var server = Server(policy, shadows: ["popular", "interest"]);
        const int n = 20_000;
        var counts = new Dictionary<string, int>();
        var logged = new Dictionary<string, double>();
        for (var i = 0; i < n; i++)
        {
            var slate = server.Serve(Request(i));
            for (var p = 0; p < slate.Items.Count; p++)
            {
                var item = slate.Items[p];
                // the prefix 1..p+1 as shown: one prefix always logs one probability
                var prefix = string.Join("|", slate.Items.Take(p + 1).Select(x => x.Post.PostId));
                counts[prefix] = counts.GetValueOrDefault(prefix) + 1;
                if (logged.TryGetValue(prefix, out var c)) Assert.Equal(c, item.CascadePropensity!.Value, 12);
                logged[prefix] = item.CascadePropensity!.Value;
                // a shorter prefix is at least as likely as a longer one; position 1's cascade is its marginal
                if (p == 0) Assert.Equal(item.Propensity, item.CascadePropensity!.Value, 12);
                else Assert.True(item.CascadePropensity <= slate.Items[p - 1].CascadePropensity);
                // a shadow that is the serving policy itself logs the same cascade
                if (policy == "interest") Assert.Equal(item.CascadePropensity!.Value, item.ShadowCascade!["interest"], 12);
                Assert.InRange(item.ShadowCascade!["popular"], 0, 1);
            }
        }
        // every prefix seen often enough to count: its frequency within 4.5 sigma of its logged probability
        var checkedPrefixes = 0;
        foreach (var (prefix, count) in counts)
        {
            var q = logged[prefix];
            if (q * n < 30) continue;
            var sigma = Math.Sqrt(n * q * (1 - q));
            Assert.InRange(count, q * n - 4.5 * sigma - 1, q * n + 4.5 * sigma + 1);
            checkedPrefixes++;
        }
        output.WriteLine($"{policy}: {checkedPrefixes} prefixes checked of {counts.Count} seen");
        Assert.True(checkedPrefixes >= 5, $"only {checkedPrefixes} prefixes frequent enough to check");
    }

    [Fact]
    public void Cascade_propensities_of_every_ordered_slate_sum_to_one_and_to_each_prefix_and_marginal()
    {
        double[] scores = [0.3, 0.9, 0.1, 0.5, 0.7];
        const int n = 5, k = 3;
        foreach (var epsilon in new[] { 0.0, 0.2, 1.0 })
        {
            var greedy = epsilon < 1 ? SlateSampler.TopK(scores, k) : [];
            var whole = new Dictionary<string, double>();
            var slates = new List<int[]>();
            for (var a = 0; a < n; a++)
            for (var b = 0; b < n; b++)
            for (var c = 0; c < n; c++)
                if (a != b && b != c && a != c) slates.Add([a, b, c]);
            Assert.Equal(60, slates.Count);
            Assert.Equal(1.0, slates.Sum(s => SlateSampler.CascadePropensities(greedy, s, epsilon, n)[k - 1]), 12);
            foreach (var s in slates)
            {
                var cascade = SlateSampler.CascadePropensities(greedy, s, epsilon, n);
                var marginal = SlateSampler.Propensities(greedy, s, epsilon, n);
                for (var p = 0; p < k; p++)
                {
                    // the cascade at p is the total probability of the slates that start with the same p+1 posts
                    var sharing = slates.Where(o => o.Take(p + 1).SequenceEqual(s.Take(p + 1))).Sum(o => SlateSampler.CascadePropensities(greedy, o, epsilon, n)[k - 1]);
                    Assert.Equal(sharing, cascade[p], 12);
                    // the marginal at p is the total probability of the slates with the same post there
                    var there = slates.Where(o => o[p] == s[p]).Sum(o => SlateSampler.CascadePropensities(greedy, o, epsilon, n)[k - 1]);
                    Assert.Equal(there, marginal[p], 12);
                }
            }
        }
    }
}
