using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Feed;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>
/// Issue 29, item 4: the slate estimators on a hand-built cascade world whose true value is computed exactly. A slate of K
/// from N items; the user reads it top-down, likes item a with probability quality(a) when it looks at it, moves on with
/// probability <see cref="Decay"/>, and after a like leaves with probability s (stop-after-engagement). The logs are
/// epsilon-greedy under one ranking, with exact marginal and cascade propensities (SlateSampler's), the target epsilon-greedy
/// under another; its true like rate per impression is the expectation over its slate distribution (every ordering enumerated).
/// </summary>
public class SlateEstimatorTests(ITestOutputHelper output)
{
    private const int N = 6, K = 3;
    private const double Decay = 0.9, ELog = 0.6, ETarget = 0.1;
    private static readonly double[] Quality = [0.05, 0.1, 0.15, 0.6, 0.7, 0.8];
    private static readonly double[] LoggingScores = [3, 5, 1, 0, 4, 2]; // its top 3: items 1, 4, 0
    private static readonly double[] TargetScores = [0, 1, 2, 3, 4, 5];  // its top 3: items 5, 4, 3, the best
    private static readonly DateTime T0 = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Expected likes of one slate under the cascade: reach position 1, like with quality, go on with Decay x (1 - s after a like).</summary>
    private static double ExpectedLikes(IReadOnlyList<int> slate, double stop)
    {
        double reach = 1, likes = 0;
        foreach (var a in slate)
        {
            likes += reach * Quality[a];
            reach *= Decay * (1 - Quality[a] * stop);
        }
        return likes;
    }

    /// <summary>The target's like rate per impression, exactly: greedy top K with 1 - epsilon, every ordering of K uniformly with epsilon.</summary>
    private static double TrueRate(double stop)
    {
        var greedy = SlateSampler.TopK(TargetScores, K);
        var orderings = Orderings().ToList();
        var value = (1 - ETarget) * ExpectedLikes(greedy, stop) + ETarget * orderings.Average(o => ExpectedLikes(o, stop));
        return value / K;
    }

    private static IEnumerable<int[]> Orderings(int[]? prefix = null)
    {
        prefix ??= [];
        if (prefix.Length == K)
        {
            yield return prefix;
            yield break;
        }
        for (var a = 0; a < N; a++)
            if (!prefix.Contains(a))
                foreach (var o in Orderings([.. prefix, a])) yield return o;
    }

    /// <summary>The user reads the slate top-down: likes what it looks at with the post's quality, goes on with Decay, stops after a like with <paramref name="stop"/>.</summary>
    private static (bool Examined, bool Liked)[] Read(SampledSlate slate, double stop, Random rng)
    {
        var outcome = new (bool, bool)[K];
        var reading = true;
        for (var p = 0; p < K; p++)
        {
            var examined = reading;
            var liked = examined && rng.NextDouble() < Quality[slate.Candidates[p]];
            if (examined) reading = rng.NextDouble() < Decay && !(liked && rng.NextDouble() < stop);
            outcome[p] = (examined, liked);
        }
        return outcome;
    }

    /// <summary>Slot <paramref name="p"/> of slate <paramref name="s"/> as the impression log holds it.</summary>
    private static DsImpression Row(int s, int p, int users, string policy, SampledSlate slate, (bool Examined, bool Liked) o) =>
        new($"s{s}#{p + 1}", $"s{s}", $"user-{s % users}", $"post-{slate.Candidates[p]}", p + 1, policy, 0, slate.Propensities[p], N, false,
            T0.AddSeconds(s), o.Examined, o.Liked, 0, o.Liked, false, false, 0) { CascadePropensity = slate.Cascade[p], SessionId = $"s{s}" };

    /// <summary>Logs of <paramref name="slates"/> slates shown to <paramref name="users"/> users in turn, with the target as shadow policy.</summary>
    private static DatasetTables Logs(int slates, int users, double stop, int seed)
    {
        var rng = new Random(seed);
        var greedyTarget = SlateSampler.TopK(TargetScores, K);
        var impressions = new List<DsImpression>(slates * K);
        var shadow = new Dictionary<string, Dictionary<string, double>>();
        var shadowCascade = new Dictionary<string, Dictionary<string, double>>();
        for (var s = 0; s < slates; s++)
        {
            var slate = SlateSampler.Sample(LoggingScores, K, ELog, false, false, rng);
            var target = SlateSampler.Propensities(greedyTarget, slate.Candidates, ETarget, N);
            var targetCascade = SlateSampler.CascadePropensities(greedyTarget, slate.Candidates, ETarget, N);
            var read = Read(slate, stop, rng);
            for (var p = 0; p < K; p++)
            {
                var id = $"s{s}#{p + 1}";
                impressions.Add(Row(s, p, users, "logging", slate, read[p]));
                shadow[id] = new() { ["target"] = target[p] };
                shadowCascade[id] = new() { ["target"] = targetCascade[p] };
            }
        }
        return new DatasetTables([], [], [], [], impressions) { Shadow = shadow, ShadowCascade = shadowCascade };
    }

    private static OffPolicyEstimate Evaluate(DatasetTables logs, int resamples = 300, int seed = 1) =>
        Assert.Single(OffPolicyEvaluator.Evaluate(logs, [], options: new OffPolicyOptions(Resamples: resamples, Seed: seed)).Estimates);

    private static (double RelativeError, bool Covered) Against(OffPolicyEstimate e, string estimator, double truth)
    {
        var r = e.Like.Single(x => x.Name == estimator);
        return ((r.Estimate!.Value - truth) / truth, r.Low <= truth && truth <= r.High);
    }

    private void Print(OffPolicyEstimate e, double truth)
    {
        output.WriteLine($"truth {truth:F4}");
        foreach (var r in e.Like)
            output.WriteLine($"{r.Name,-7} {r.Estimate:F4} [{r.Low:F4}, {r.High:F4}] ESS {r.EffectiveSampleSize:F0} err {Against(e, r.Name, truth).RelativeError:P1} {(Against(e, r.Name, truth).Covered ? "in" : "out")}");
    }

    [Fact]
    public void With_stop_after_a_like_rips_and_dr_hold_the_true_value_in_their_intervals_and_ips_over_post_and_position_is_biased()
    {
        var truth = TrueRate(stop: 1);
        var e = Evaluate(Logs(slates: 20_000, users: 400, stop: 1, seed: 7));
        Print(e, truth);
        foreach (var name in new[] { "RIPS", "SNRIPS", "DR", "SIPS", "SNSIPS" })
            Assert.True(Against(e, name, truth).Covered, $"{name}: {e.Like.Single(r => r.Name == name)} vs truth {truth:F4}");
        // IPS over (post, position) sees a slot's like as the post's and the position's alone; under the logging ranking the
        // slots above are worse, so users reach a position more often than under the target: it overestimates, far outside its interval
        foreach (var name in new[] { "IPS", "SNIPS" })
        {
            var c = Against(e, name, truth);
            Assert.False(c.Covered, $"{name} covers the truth {truth:F4}");
            Assert.True(c.RelativeError > 0.15, $"{name}: error {c.RelativeError:P1}");
        }
        // the logs' own rate is far from the target's: the estimates are not the logged rate
        Assert.True(Math.Abs(e.Like[0].Estimate!.Value - truth) > 0.1 * truth);
    }

    /// <summary>Logs of a per-slate A/B mix: each slate served by "logging" (its ranking, epsilon 0.05) with probability 0.8, else by "target"; both logged as shadows.</summary>
    private static DatasetTables MixLogs(int slates, int users, double stop, int seed)
    {
        var rng = new Random(seed);
        var greedy = new Dictionary<string, (int[] Top, double Epsilon)>
        {
            ["logging"] = (SlateSampler.TopK(LoggingScores, K), 0.05), ["target"] = (SlateSampler.TopK(TargetScores, K), ETarget),
        };
        var impressions = new List<DsImpression>(slates * K);
        var shadow = new Dictionary<string, Dictionary<string, double>>();
        var shadowCascade = new Dictionary<string, Dictionary<string, double>>();
        for (var s = 0; s < slates; s++)
        {
            var served = rng.NextDouble() < 0.8 ? "logging" : "target";
            var slate = SlateSampler.Sample(served == "logging" ? LoggingScores : TargetScores, K, greedy[served].Epsilon, false, false, rng);
            var read = Read(slate, stop, rng);
            for (var p = 0; p < K; p++)
            {
                var id = $"s{s}#{p + 1}";
                impressions.Add(Row(s, p, users, served, slate, read[p]));
                shadow[id] = greedy.ToDictionary(g => g.Key, g => SlateSampler.Propensities(g.Value.Top, slate.Candidates, g.Value.Epsilon, N)[p]);
                shadowCascade[id] = greedy.ToDictionary(g => g.Key, g => SlateSampler.CascadePropensities(g.Value.Top, slate.Candidates, g.Value.Epsilon, N)[p]);
            }
        }
        return new DatasetTables([], [], [], [], impressions) { Shadow = shadow, ShadowCascade = shadowCascade };
    }

    [Fact]
    public void Under_a_per_slate_mix_every_slate_is_evidence_at_its_mixture_probability_and_the_cascade_estimators_hold_the_truth_with_far_more_support()
    {
        var truth = TrueRate(stop: 0.5);
        var logs = MixLogs(slates: 20_000, users: 400, stop: 0.5, seed: 9);
        var mixture = new LoggingMixture([("logging", 0.8), ("target", 0.2)], 0);
        var mixed = OffPolicyEvaluator.Evaluate(logs, [], options: new OffPolicyOptions(Resamples: 300, Mixture: mixture));
        Assert.Contains("mixture of loggers", mixed.Evidence);
        var withMix = mixed.Estimates.Single(e => e.Policy == "target");
        var othersOnly = OffPolicyEvaluator.Evaluate(logs, [], options: new OffPolicyOptions(Resamples: 300)).Estimates.Single(e => e.Policy == "target");
        output.WriteLine("mixture of loggers:");
        Print(withMix, truth);
        output.WriteLine("the other policy's slates only:");
        Print(othersOnly, truth);
        foreach (var name in new[] { "RIPS", "SNRIPS", "DR", "SIPS", "SNSIPS" })
        {
            Assert.True(Against(withMix, name, truth).Covered, $"{name}: {withMix.Like.Single(r => r.Name == name)} vs truth {truth:F4}");
            Assert.True(Math.Abs(Against(withMix, name, truth).RelativeError) < 0.1, $"{name}: error {Against(withMix, name, truth).RelativeError:P1}");
        }
        var ess = (withMix.Like.Single(r => r.Name == "RIPS").EffectiveSampleSize, othersOnly.Like.Single(r => r.Name == "RIPS").EffectiveSampleSize);
        Assert.True(ess.Item1 > 5 * ess.Item2, $"RIPS ESS with the mixture {ess.Item1} vs the other policy's slates only {ess.Item2}");
        // a mix member that is not logged as a shadow: no mixture probability can be computed, the evidence stays the others' slates
        var partial = OffPolicyEvaluator.Evaluate(logs, [], options: new OffPolicyOptions(Resamples: 0, Mixture: mixture with { Parts = [("logging", 0.7), ("target", 0.2), ("other", 0.1)] }));
        Assert.Equal("every slate but the target's own", partial.Evidence);
    }

    [Fact]
    public void Without_stop_after_a_like_ips_over_post_and_position_is_unbiased_too()
    {
        var truth = TrueRate(stop: 0);
        var e = Evaluate(Logs(slates: 20_000, users: 400, stop: 0, seed: 8));
        Print(e, truth);
        foreach (var name in SlateEstimators.Names)
            Assert.True(Against(e, name, truth).Covered, $"{name}: {e.Like.Single(r => r.Name == name)} vs truth {truth:F4}");
        // and IPS is the tightest: its weights are the marginal ratios, the cascade's grow with the position
        var ips = e.Like.Single(r => r.Name == "IPS");
        var rips = e.Like.Single(r => r.Name == "RIPS");
        Assert.True(ips.EffectiveSampleSize > rips.EffectiveSampleSize, $"ESS IPS {ips.EffectiveSampleSize} vs RIPS {rips.EffectiveSampleSize}");
    }

    [Fact]
    public void The_bootstrap_interval_of_rips_and_dr_covers_the_true_value_in_most_of_50_repetitions()
    {
        var truth = TrueRate(stop: 0.3);
        var covered = new Dictionary<string, int> { ["RIPS"] = 0, ["SNRIPS"] = 0, ["DR"] = 0 };
        const int repetitions = 50;
        for (var rep = 0; rep < repetitions; rep++)
        {
            var e = Evaluate(Logs(slates: 3_000, users: 150, stop: 0.3, seed: 1000 + rep), resamples: 200, seed: rep);
            foreach (var name in covered.Keys) covered[name] += Against(e, name, truth).Covered ? 1 : 0;
        }
        output.WriteLine($"truth {truth:F4}; covered in {repetitions}: {string.Join(", ", covered.Select(kv => $"{kv.Key} {kv.Value}"))}");
        foreach (var (name, n) in covered) Assert.True(n >= 0.85 * repetitions, $"{name} covered the truth in {n} of {repetitions}");
    }

    [Fact]
    public void The_same_logs_and_seed_give_the_same_intervals()
    {
        var logs = Logs(slates: 2_000, users: 100, stop: 0.3, seed: 3);
        var a = Evaluate(logs, resamples: 200, seed: 5);
        var b = Evaluate(logs, resamples: 200, seed: 5);
        Assert.Equal(a.Like.Select(r => (r.Low, r.High)), b.Like.Select(r => (r.Low, r.High)));
        Assert.Equal(a.Open.Select(r => (r.Low, r.High)), b.Open.Select(r => (r.Low, r.High)));
    }

    /// <summary>
    /// Two slates of two slots, every figure by hand. Weights (target / logged): marginal 0.5, 2 | 2, 1; cascade 0.5, 3 | 2, 1;
    /// whole slate 3 | 1. Liked: slot 1 of the first, slot 2 of the second.
    /// </summary>
    [Fact]
    public void Estimators_and_effective_sample_sizes_follow_their_formulas_on_a_hand_made_example()
    {
        EvidenceSlate[] slates =
        [
            new(0, [new(1, 0.5, 0.25, 0.5, 0.25, true, true, 0.5, 0), new(2, 0.25, 0.5, 0.1, 0.3, false, false, 0.2, 0)]),
            new(1, [new(1, 0.2, 0.4, 0.2, 0.4, false, true, 0.3, 0), new(2, 0.5, 0.5, 0.1, 0.1, true, true, 0.1, 0)]),
        ];
        var r = SlateEstimators.Estimate(slates, opened: false, resamples: 0, seed: 1).ToDictionary(x => x.Name);
        void Is(string name, double estimate, double ess)
        {
            Assert.Equal(estimate, r[name].Estimate!.Value, 6);
            Assert.Equal(ess, r[name].EffectiveSampleSize, 1);
            Assert.Equal(4, r[name].Impressions);
            Assert.Null(r[name].Low);
        }
        // IPS: Σ w r / n = (0.5 + 1) / 4; SNIPS: / Σ w = 5.5; ESS 5.5² / (0.25 + 4 + 4 + 1)
        Is("IPS", 1.5 / 4, 5.5 * 5.5 / 9.25);
        Is("SNIPS", 1.5 / 5.5, 5.5 * 5.5 / 9.25);
        // SIPS: (3 x 1 + 1 x 1) / 4; SNSIPS: / Σ over slots of W = 3 + 3 + 1 + 1; ESS 8² / (9 + 9 + 1 + 1)
        Is("SIPS", 4.0 / 4, 64 / 20.0);
        Is("SNSIPS", 4.0 / 8, 64 / 20.0);
        // RIPS: (0.5 x 1 + 1 x 1) / 4; SNRIPS: (2 x 0.5 / 2.5 + 2 x 1 / 4) / 4; ESS 6.5² / (0.25 + 9 + 4 + 1)
        Is("RIPS", 1.5 / 4, 6.5 * 6.5 / 14.25);
        Is("SNRIPS", (2 * 0.5 / 2.5 + 2 * 1 / 4.0) / 4, 6.5 * 6.5 / 14.25);
        // DR: Σ [b + w (r - b)] / n = (0.75 - 0.4 - 0.3 + 1.0) / 4, the cascade's weights
        Is("DR", 1.05 / 4, 6.5 * 6.5 / 14.25);
        // opened: slots 1, 1 | 1, 2 opened, baselines 0: DR is RIPS
        var opened = SlateEstimators.Estimate(slates, opened: true, resamples: 0, seed: 1).ToDictionary(x => x.Name);
        Assert.Equal((0.5 + 2 + 1) / 4, opened["RIPS"].Estimate!.Value, 6);
        Assert.Equal(opened["RIPS"].Estimate, opened["DR"].Estimate);
        Assert.Equal(4.0, SlateEstimators.Ess(4, 4));
    }

    [Fact]
    public void Slates_without_cascade_propensities_give_ips_only()
    {
        EvidenceSlate[] slates = [new(0, [new(1, 0.5, 0.25, null, null, true, true, 0, 0)]), new(1, [new(1, 0.5, 0.5, null, null, false, true, 0, 0)])];
        var r = SlateEstimators.Estimate(slates, opened: false, resamples: 100, seed: 1).ToDictionary(x => x.Name);
        Assert.Equal(0.25, r["IPS"].Estimate);
        Assert.NotNull(r["IPS"].Low);
        foreach (var name in new[] { "SIPS", "SNSIPS", "RIPS", "SNRIPS", "DR" })
            Assert.Equal((null, 0L), (r[name].Estimate, r[name].Impressions));
    }

    [Fact]
    public void The_reward_model_is_cross_fitted_and_never_sees_the_slots_own_reward()
    {
        // every slot of fold-A users liked, none of fold-B's: each fold's prediction comes from the other, so A is predicted low and B high
        var users = Enumerable.Range(0, 40).Select(u => $"user-{u}").ToList();
        var impressions = users.SelectMany((u, n) => Enumerable.Range(1, 5).Select(s => new DsImpression($"{u}/s{s}#1", $"{u}/s{s}", u, "p", 1, "x", 0, 1, 10, false,
            T0.AddMinutes(s * 100 + n), true, false, 0, (RewardBaseline.StableHash(u) & 1) == 0, false, false, 0))).ToList();
        Assert.Contains(impressions, i => i.Liked);
        Assert.Contains(impressions, i => !i.Liked);
        var (like, _) = RewardBaseline.Fit(impressions);
        for (var i = 0; i < impressions.Count; i++)
            Assert.True(impressions[i].Liked ? like[i] < 0.5 : like[i] > 0.5, $"{impressions[i].Id}: liked {impressions[i].Liked}, baseline {like[i]:F3}");
    }
}
