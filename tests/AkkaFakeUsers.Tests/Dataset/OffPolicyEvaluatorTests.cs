using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Feed;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>
/// The estimators on synthetic logs whose truth is known in closed form: slates of K from N items, a like with
/// probability quality(item) x examination(position) (an item-position model), logged epsilon-greedy under one
/// ranking, evaluated for another.
/// </summary>
public class OffPolicyEvaluatorTests
{
    private const int N = 20, K = 5;
    private static readonly DateTime T0 = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static double Quality(int item) => 0.05 + 0.4 * item / (N - 1.0);

    private static double Examination(int position) => Math.Pow(0.7, position - 1);

    [Fact]
    public void Ips_and_snips_estimate_another_policys_like_rate_within_a_few_percent_and_a_policys_own_slates_are_its_truth()
    {
        var logging = Enumerable.Range(0, N).Select(i => (double)(i * 7 % N)).ToArray(); // some other ranking
        var target = Enumerable.Range(0, N).Select(i => (double)i).ToArray();             // best items first
        const double eLog = 0.3, eTarget = 0.05;
        var greedyLog = SlateSampler.TopK(logging, K);
        var greedyTarget = SlateSampler.TopK(target, K);

        // truth: V = (1/K) Σ_k Σ_a π(a, k) q(a) θ(k)
        double truth = 0;
        for (var k = 0; k < K; k++)
        for (var a = 0; a < N; a++)
            truth += SlateSampler.Propensity(greedyTarget, a, k, eTarget, N) * Quality(a) * Examination(k + 1) / K;

        var rng = new Random(3);
        var impressions = new List<DsImpression>();
        var shadow = new Dictionary<string, Dictionary<string, double>>();
        for (var s = 0; s < 60_000; s++)
        {
            var slate = SlateSampler.Sample(logging, K, eLog, false, false, rng);
            for (var p = 0; p < K; p++)
            {
                var item = slate.Candidates[p];
                var liked = rng.NextDouble() < Quality(item) * Examination(p + 1);
                var id = $"s{s}#{p + 1}";
                impressions.Add(new DsImpression(id, $"s{s}", "u", $"post-{item}", p + 1, "logging", 0, slate.Propensities[p], N, false, T0.AddSeconds(s),
                    true, liked, 0, liked, false, false, 0));
                shadow[id] = new() { ["target"] = SlateSampler.Propensity(greedyTarget, item, p, eTarget, N) };
            }
        }
        var tables = new DatasetTables([], [], [], [], impressions) { Shadow = shadow };
        var e = Assert.Single(OffPolicyEvaluator.Evaluate(tables, []).Estimates);
        Assert.Equal(("target", 300_000L), (e.Policy, e.Impressions));
        Assert.InRange(e.Ips, truth * 0.95, truth * 1.05);
        Assert.InRange(e.Snips, truth * 0.95, truth * 1.05);
        Assert.Null(e.TrueRate);

        // the logging policy's own like rate is far from the target's: the estimate is not just the logged rate
        var logged = impressions.Average(i => i.Liked ? 1.0 : 0.0);
        Assert.True(Math.Abs(logged - truth) > 0.2 * truth, $"logged {logged:F4} vs truth {truth:F4}");

        // a run under the target (its random share left out) is read as its true rate
        var run = new DatasetTables([], [], [], [],
        [
            new DsImpression("r#1", "r", "u", "post-1", 1, "target", 0, 1, N, false, T0, true, true, 0, true, false, false, 0),
            new DsImpression("r#2", "r", "u", "post-2", 2, "target", 0, 1, N, false, T0, true, false, 0, false, false, false, 0),
            new DsImpression("x#1", "x", "u", "post-3", 1, "random", 0, 1, N, true, T0, true, true, 0, true, false, false, 0),
        ]);
        var withTruth = Assert.Single(OffPolicyEvaluator.Evaluate(tables, [run]).Estimates);
        Assert.Equal((0.5, 2L), (withTruth.TrueRate, withTruth.TrueImpressions));
    }
}
