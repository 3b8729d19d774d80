// Over 300 lines: the evaluation's records, its text and the evidence/truth assembly belong together; the estimators themselves are in SlateEstimators.cs.
using System.Globalization;
using System.Text;

namespace AkkaFakeUsers.Dataset;

/// <summary>
/// One target policy's like rate per impression, estimated from logs collected under other policies, beside the rate
/// measured by running it (when a run under it is given).
/// </summary>
/// <param name="Ips">IPS over (post, position): Open Bandit Pipeline's SlateIndependentIPS (IIPS).</param>
/// <param name="Snips">Its self-normalised form (one normaliser over all impressions).</param>
/// <param name="EffectiveSampleSize">(Σw)² / Σw² of IPS's weights: how many logged impressions the estimate is really worth.</param>
/// <param name="Impressions">Logged impressions the estimate uses: every slot with a shadow propensity for the target, except those the target itself served.</param>
/// <param name="RateInThisRun">The target's like rate where it served slates in this same run (a per-slate A/B mix: same users, same world).</param>
/// <param name="TrueRate">The target's like rate in the runs under it given with --compare-data-dir.</param>
public sealed record OffPolicyEstimate(string Policy, long Impressions, double Ips, double Snips, double EffectiveSampleSize,
    double? RateInThisRun = null, long? ImpressionsInThisRun = null, double? TrueRate = null, long? TrueImpressions = null)
{
    public double? IpsRelativeError => Error(Ips, TrueRate);
    public double? SnipsRelativeError => Error(Snips, TrueRate);
    public double? IpsErrorInThisRun => Error(Ips, RateInThisRun);
    public double? SnipsErrorInThisRun => Error(Snips, RateInThisRun);

    /// <summary>Logged slates the estimates use, and the users they were shown to (the bootstrap's clusters).</summary>
    public long Slates { get; init; }

    public int Users { get; init; }

    /// <summary>Every truth known for the target: its own slates in this run, separate runs, forks.</summary>
    public IReadOnlyList<PolicyTruth> Truths { get; init; } = [];

    /// <summary>Each estimator of the like rate per impression, with its 95% interval, ESS and error against each truth.</summary>
    public IReadOnlyList<EstimatorResult> Like { get; init; } = [];

    /// <summary>The same for the open rate (viewed: MIND's click) per impression.</summary>
    public IReadOnlyList<EstimatorResult> Open { get; init; } = [];

    private static double? Error(double estimate, double? truth) => truth is > 0 ? Math.Round(Math.Abs(estimate - truth.Value) / truth.Value, 4) : null;
}

/// <summary>A target policy's true rates per impression, measured where it served the slates itself (the random share left out).</summary>
/// <param name="Kind"><c>same-run A/B</c>: its own slates in the logged run (a per-slate mix); <c>separate run</c>: a run under it
/// (--compare-data-dir); <c>fork</c>: a fork of the logged world under it (--truth), from the fork instant on.</param>
/// <param name="Source">Where: <c>this run</c> or the data dir.</param>
/// <param name="From">The first instant counted (the fork instant, or the evaluation window's start); null: the whole run.</param>
public sealed record PolicyTruth(string Kind, string Source, long Impressions, double LikeRate, double OpenRate, DateTime? From = null);

/// <summary>A run whose impressions give target policies' true rates: a separate run or a fork, and from which instant on.</summary>
public sealed record TruthRun(string Kind, string Source, IReadOnlyList<DsImpression> Impressions, DateTime? From = null)
{
    public const string SameRun = "same-run A/B", Separate = "separate run", Fork = "fork";
}

/// <param name="Truths">Runs under target policies (separate runs, forks) whose rates are printed beside the estimates.</param>
/// <param name="From">The evaluation window: only impressions shown at or after it count, in the evidence and in every truth (null: all).</param>
/// <param name="Resamples">Bootstrap resamples of users for the 95% intervals.</param>
/// <param name="Seed">The bootstrap's seed: the same logs give the same intervals.</param>
/// <param name="Until">The window's end (inclusive; null: the log's end): a fork that ran a shorter while than the logged run is compared over its own time.</param>
/// <param name="Mixture">The logging run's per-slate mix (afu.feed.assignment = slate): each policy's name and share, and the random share.
/// When every policy of it is also a shadow policy, every slate is evidence for every target, each at its probability under the
/// whole mix (a mixture of loggers: the target's own slates count too, at their mixture probability).</param>
public sealed record OffPolicyOptions(IReadOnlyList<TruthRun>? Truths = null, DateTime? From = null, int Resamples = OffPolicyOptions.DefaultResamples, int Seed = 1,
    DateTime? Until = null, LoggingMixture? Mixture = null)
{
    public const int DefaultResamples = 500;
}

/// <summary>A per-slate policy mix as the logging run served it: each slate was a uniform ordering with probability
/// <paramref name="RandomShare"/>, else drawn from <paramref name="Parts"/> by share.</summary>
public sealed record LoggingMixture(IReadOnlyList<(string Policy, double Share)> Parts, double RandomShare)
{
    public string Describe() => string.Join(" + ", Parts.Select(p => $"{p.Share * (1 - RandomShare):0.###} {p.Policy}")) + $" + {RandomShare:0.###} uniform";
}

/// <param name="Evidence">Whose slates the estimates are computed from: one logging policy (--logging-policy), or every slate but the target's own.</param>
public sealed record OffPolicyEvaluation(IReadOnlyDictionary<string, long> LoggedSlatesByPolicy, double LoggedLikeRate, long LoggedImpressions,
    IReadOnlyList<OffPolicyEstimate> Estimates, string Evidence = "every slate but the target's own")
{
    /// <summary>Only impressions from this instant on count (the fork instant with --truth, or --truth-after); null: the whole log.</summary>
    public DateTime? From { get; init; }

    /// <summary>Only impressions up to this instant count (the end of the forks' runs with --truth); null: to the log's end.</summary>
    public DateTime? Until { get; init; }

    /// <summary>How the 95% intervals are made.</summary>
    public string Interval { get; init; } = "";

    /// <summary>Truth runs given that served none of the shadow policies (no estimate to hold them against).</summary>
    public IReadOnlyList<string> UnmatchedTruths { get; init; } = [];

    public string ToText()
    {
        var sb = new StringBuilder();
        string F(double? x) => SlateEstimators.F(x);
        string T(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        sb.AppendLine($"  logged under {string.Join(", ", LoggedSlatesByPolicy.Select(kv => $"{kv.Key} ({kv.Value} slates)"))}: like rate {F(LoggedLikeRate)} per impression over {LoggedImpressions}");
        sb.AppendLine($"  evidence: {Evidence}");
        if (From is not null || Until is not null)
            sb.AppendLine($"  window: impressions shown {(From is { } from ? $"from {T(from)} " : "")}{(Until is { } until ? $"to {T(until)} " : "on ")}(evidence and every truth)");
        if (Interval.Length > 0) sb.AppendLine($"  intervals: {Interval}");
        foreach (var e in Estimates)
        {
            sb.AppendLine($"  target {e.Policy}: {e.Impressions} logged impressions of evidence ({e.Slates} slates, {e.Users} users)");
            if (e.Truths.Count == 0) sb.AppendLine("    truth: none (no slates of it in this run, no --compare-data-dir or --truth run under it)");
            foreach (var t in e.Truths)
                sb.AppendLine($"    truth {t.Kind,-13} like {F(t.LikeRate)}  open {F(t.OpenRate)}  over {t.Impressions} impressions  {(t.Kind == TruthRun.SameRun ? "(its own slates in this run)" : t.Source)}" +
                              (t.From is { } f && t.Kind == TruthRun.Fork ? $" from {T(f)}" : ""));
            Table(sb, "like rate", e.Like, e.Truths);
            Table(sb, "open rate", e.Open, e.Truths);
        }
        if (Estimates.Count > 0)
        {
            sb.AppendLine("  (IPS, SNIPS: over (post, position), OBP's SlateIndependentIPS; SIPS: the whole slate's ratio; RIPS: the cascade's ratio down to the slot;");
            sb.AppendLine("   SN: self-normalised; DR: cascade doubly robust with an item-independent reward model; mean w: the weights' mean, 1 when the logs cover the target,");
            sb.AppendLine("   far below 1 when the target's slates are (almost) absent from the logs: then no interval can be trusted; err: (estimate - truth) / truth, 'in' when the 95% interval holds it)");
        }
        foreach (var u in UnmatchedTruths) sb.AppendLine($"  {u}");
        if (Estimates.Count == 0) sb.AppendLine("  no shadow propensities logged: set afu.feed.shadow-policies (e.g. [popular, random]) in the logging run");
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string what, IReadOnlyList<EstimatorResult> rows, IReadOnlyList<PolicyTruth> truths)
    {
        if (rows.Count == 0) return;
        var labels = truths.Select((t, i) => truths.Count(x => x.Kind == t.Kind) > 1 ? $"{t.Kind} {1 + truths.Take(i).Count(x => x.Kind == t.Kind)}" : t.Kind).ToList();
        sb.AppendLine($"    {what,-9} {"estimate",8}  {"95% interval",-18} {"ESS",9} {"mean w",7}{string.Concat(labels.Select(l => $"  {l,16}"))}");
        foreach (var r in rows)
        {
            var interval = r.Low is { } lo && r.High is { } hi ? $"[{SlateEstimators.F(lo)}, {SlateEstimators.F(hi)}]" : "-";
            var cells = truths.Select(t => r.Comparisons.FirstOrDefault(c => c.Kind == t.Kind && c.Source == t.Source) is { } c
                ? $"{(c.RelativeError * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)}% {(c.Covered ? "in" : "out"),-3}"
                : "-");
            sb.AppendLine($"    {r.Name,-9} {SlateEstimators.F(r.Estimate),8}  {interval,-18} {r.EffectiveSampleSize,9:0} {r.MeanWeight,7:0.000}{string.Concat(cells.Select(c => $"  {c,16}"))}".TrimEnd());
        }
    }
}

/// <summary>
/// Off-policy evaluation on the impression log. Each shown slot has the logging probability p (the propensity column) and
/// p(1..k) (cascade_propensity: the slate's posts 1..k as shown), and for every shadow policy the target's q and q(1..k)
/// (table impression_propensities). <see cref="SlateEstimators"/> turns them into IPS and SNIPS over (post, position),
/// the standard slate IPS, RIPS (the cascade) and a cascade doubly robust estimator, each with a bootstrap interval
/// over users. The truths: the target's own slates in the same run (per-slate mix), separate runs and forks under it:
/// likes and opens per impression over the slates the target served (the random share left out).
/// </summary>
public static class OffPolicyEvaluator
{
    /// <param name="runs">Separate runs under target policies (--compare-data-dir): their like rates are <see cref="OffPolicyEstimate.TrueRate"/>.</param>
    /// <param name="loggingPolicy">Estimate from this policy's slates only (not its random share); null: from every slate but the target's own.</param>
    public static OffPolicyEvaluation Evaluate(DatasetTables logged, IReadOnlyList<DatasetTables> runs, string? loggingPolicy = null, OffPolicyOptions? options = null)
    {
        options ??= new OffPolicyOptions();
        var from = options.From;
        var until = options.Until;
        bool InWindow(DsImpression i) => (from is not { } f || i.ShownAt >= f) && (until is not { } u || i.ShownAt <= u);
        var truthRuns = options.Truths?.ToList() ?? [];
        if (truthRuns.All(t => t.Kind != TruthRun.Separate))
            truthRuns.InsertRange(0, runs.Select((r, i) => new TruthRun(TruthRun.Separate, $"run {i + 1}", r.Impressions)));

        var impressions = logged.Impressions;
        var (baseLike, baseOpen) = RewardBaseline.Fit(impressions);
        var users = new Dictionary<string, int>(StringComparer.Ordinal);
        // slates in log order, each its impressions' indices
        var slates = new List<List<int>>();
        var slateIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var current = -1;
        for (var n = 0; n < impressions.Count; n++)
        {
            var i = impressions[n];
            if (!InWindow(i)) continue;
            // a slate's rows come together in the log: look the slate up only when it changes
            if (current < 0 || impressions[slates[current][0]].SlateId != i.SlateId)
            {
                if (!slateIndex.TryGetValue(i.SlateId, out current))
                {
                    slateIndex[i.SlateId] = current = slates.Count;
                    slates.Add(new List<int>(10));
                }
            }
            slates[current].Add(n);
        }
        var targets = logged.Shadow.Values.SelectMany(d => d.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        // each impression's shadow probabilities, looked up once
        var shadow = new Dictionary<string, double>?[impressions.Count];
        var shadowCascade = new Dictionary<string, double>?[impressions.Count];
        foreach (var rows in slates)
            foreach (var n in rows)
            {
                shadow[n] = logged.Shadow.GetValueOrDefault(impressions[n].Id);
                shadowCascade[n] = logged.ShadowCascade.GetValueOrDefault(impressions[n].Id);
            }
        // a per-slate mix whose every policy is a shadow: each slot's probability under the whole mix (marginal and cascade)
        var mixture = loggingPolicy is null && options.Mixture is { } m && m.Parts.All(p => targets.Contains(p.Policy)) ? m : null;
        double[]? mixP = null;
        double?[]? mixPc = null;
        if (mixture is not null)
        {
            mixP = new double[impressions.Count];
            mixPc = new double?[impressions.Count];
            foreach (var rows in slates)
            {
                var uniformCascade = 1.0;
                foreach (var n in rows.OrderBy(n => impressions[n].Position))
                {
                    var i = impressions[n];
                    uniformCascade /= Math.Max(1, i.Candidates - (i.Position - 1));
                    var p = mixture.RandomShare / i.Candidates;
                    double? pc = mixture.RandomShare * uniformCascade;
                    foreach (var (member, share) in mixture.Parts)
                    {
                        var w = (1 - mixture.RandomShare) * share;
                        p += w * (shadow[n] is { } q && q.TryGetValue(member, out var qm) ? qm : double.NaN);
                        pc = shadowCascade[n] is { } c && c.TryGetValue(member, out var cm) ? pc + w * cm : null;
                    }
                    mixP[n] = p;
                    mixPc[n] = pc;
                }
            }
        }
        var estimates = new List<OffPolicyEstimate>();
        foreach (var policy in targets)
        {
            var evidence = new List<EvidenceSlate>();
            foreach (var rows in slates)
            {
                var head = impressions[rows[0]];
                if (loggingPolicy is not null && (head.IsRandom || head.Policy != loggingPolicy)) continue;
                // the target's own slates are its truth, not its evidence (but under a mixture of loggers every slate is the mix's)
                if (mixture is null && !head.IsRandom && head.Policy == policy) continue;
                var slots = new List<EvidenceSlot>(rows.Count);
                foreach (var n in rows)
                {
                    var i = impressions[n];
                    if (shadow[n] is not { } q || !q.TryGetValue(policy, out var qi)) continue;
                    double? qc = shadowCascade[n] is { } c && c.TryGetValue(policy, out var v) ? v : null;
                    if (mixP is not null && !double.IsFinite(mixP[n])) continue;
                    slots.Add(mixP is null
                        ? new EvidenceSlot(i.Position, i.Propensity, qi, i.CascadePropensity, qc, i.Liked, i.Viewed, baseLike[n], baseOpen[n])
                        : new EvidenceSlot(i.Position, mixP[n], qi, mixPc![n], qc, i.Liked, i.Viewed, baseLike[n], baseOpen[n]));
                }
                if (slots.Count == 0) continue;
                if (!users.TryGetValue(head.UserId, out var u)) users[head.UserId] = u = users.Count;
                evidence.Add(new EvidenceSlate(u, slots.ToArray()));
            }
            if (evidence.Count == 0) continue;
            var seed = unchecked(options.Seed * 31 + (int)RewardBaseline.StableHash(policy));
            var like = SlateEstimators.Estimate(evidence, opened: false, options.Resamples, seed);
            var open = SlateEstimators.Estimate(evidence, opened: true, options.Resamples, seed);

            var truths = new List<PolicyTruth>();
            if (Truth(impressions.Where(InWindow), policy, TruthRun.SameRun, "this run", from) is { } same) truths.Add(same);
            foreach (var run in truthRuns)
            {
                var start = Later(run.From, from);
                if (Truth(run.Impressions.Where(i => (start is not { } f || i.ShownAt >= f) && (until is not { } u || i.ShownAt <= u)), policy, run.Kind, run.Source, start) is { } t)
                    truths.Add(t);
            }
            var ips = like[0];
            var separate = Pool(truths.Where(t => t.Kind == TruthRun.Separate).ToList());
            var sameRun = truths.FirstOrDefault(t => t.Kind == TruthRun.SameRun);
            estimates.Add(new OffPolicyEstimate(policy, ips.Impressions, ips.Estimate ?? 0, like[1].Estimate ?? 0, ips.EffectiveSampleSize,
                sameRun?.LikeRate, sameRun?.Impressions, separate?.LikeRate, separate?.Impressions)
            {
                Slates = evidence.Count,
                Users = evidence.Select(e => e.User).Distinct().Count(),
                Truths = truths,
                Like = Compare(like, truths, t => t.LikeRate),
                Open = Compare(open, truths, t => t.OpenRate),
            });
        }

        var window = impressions.Where(InWindow).ToList();
        var slateCounts = window.GroupBy(i => i.IsRandom ? "random share" : i.Policy).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(i => i.SlateId).Distinct().LongCount());
        var likeRate = window.Count == 0 ? 0 : window.Count(i => i.Liked) / (double)window.Count;
        var unmatched = truthRuns.Where(r => r.Kind == TruthRun.Fork)
            .SelectMany(r => r.Impressions.Where(i => !i.IsRandom).Select(i => i.Policy).Distinct().Where(p => !targets.Contains(p)).Select(p => (r.Source, Policy: p)))
            .Select(x => $"--truth {x.Source}: served {x.Policy}, which is not a shadow policy of the logged run (afu.feed.shadow-policies): no estimate to compare")
            .ToList();
        return new OffPolicyEvaluation(slateCounts, Math.Round(likeRate, 6), window.Count, estimates,
            loggingPolicy is not null ? $"the slates of {loggingPolicy} only"
            : mixture is not null ? $"every slate, at its probability under the per-slate mix ({mixture.Describe()}; a mixture of loggers, so a target's own slates count too)"
            : "every slate but the target's own")
        {
            From = from,
            Until = until,
            Interval = options.Resamples > 0 ? $"95%, percentile bootstrap over users ({options.Resamples} resamples, seed {options.Seed})" : "none",
            UnmatchedTruths = unmatched,
        };
    }

    private static DateTime? Later(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>Likes and opens per impression over the slates <paramref name="policy"/> served (the random share is no policy's); null when it served none.</summary>
    private static PolicyTruth? Truth(IEnumerable<DsImpression> impressions, string policy, string kind, string source, DateTime? from)
    {
        long n = 0, likes = 0, opens = 0;
        foreach (var i in impressions)
        {
            if (i.IsRandom || i.Policy != policy) continue;
            n++;
            if (i.Liked) likes++;
            if (i.Viewed) opens++;
        }
        return n == 0 ? null : new PolicyTruth(kind, source, n, Math.Round((double)likes / n, 6), Math.Round((double)opens / n, 6), from);
    }

    /// <summary>Several separate runs under one target pooled as one truth (TrueRate, as before).</summary>
    private static PolicyTruth? Pool(IReadOnlyList<PolicyTruth> truths)
    {
        if (truths.Count == 0) return null;
        var n = truths.Sum(t => t.Impressions);
        return new PolicyTruth(TruthRun.Separate, string.Join(",", truths.Select(t => t.Source)), n,
            Math.Round(truths.Sum(t => t.LikeRate * t.Impressions) / n, 6), Math.Round(truths.Sum(t => t.OpenRate * t.Impressions) / n, 6));
    }

    private static IReadOnlyList<EstimatorResult> Compare(IReadOnlyList<EstimatorResult> results, IReadOnlyList<PolicyTruth> truths, Func<PolicyTruth, double> rate) =>
        results.Select(r => r with
        {
            Comparisons = r.Estimate is not { } est ? [] : truths.Where(t => rate(t) > 0).Select(t => new TruthComparison(t.Kind, t.Source, rate(t),
                Math.Round((est - rate(t)) / rate(t), 4), r.Low is { } lo && r.High is { } hi && lo <= rate(t) && rate(t) <= hi)).ToList(),
        }).ToList();

    /// <summary>
    /// The fork instant of <paramref name="fork"/> against the logged run: the time of its first slate that is not an identical copy
    /// (same slate id, time and post at every position) of a logged slate. A fork's store holds the logged run's past up to the
    /// instant it was forked at; from its first slate of its own on, the impressions are the target's. Null when every slate is a copy.
    /// </summary>
    public static DateTime? ForkInstant(IReadOnlyList<DsImpression> logged, IReadOnlyList<DsImpression> fork)
    {
        var rows = new Dictionary<string, (string Post, DateTime At)>(StringComparer.Ordinal);
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in logged)
        {
            rows[i.Id] = (i.PostId, i.ShownAt);
            sizes[i.SlateId] = sizes.GetValueOrDefault(i.SlateId) + 1;
        }
        foreach (var slate in fork.GroupBy(i => i.SlateId).OrderBy(g => g.Min(i => i.ShownAt)))
        {
            var copy = sizes.GetValueOrDefault(slate.Key) == slate.Count()
                       && slate.All(i => rows.TryGetValue(i.Id, out var r) && r.Post == i.PostId && r.At == i.ShownAt);
            if (!copy) return slate.Min(i => i.ShownAt);
        }
        return null;
    }
}
