using System.Globalization;
using System.Text;

namespace AkkaFakeUsers.Dataset;

/// <summary>
/// One target policy's like rate per impression, estimated from logs collected under other policies, beside the rate
/// measured by running it (when a run under it is given).
/// </summary>
/// <param name="EffectiveSampleSize">(Σw)² / Σw²: how many logged impressions the estimate is really worth.</param>
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

    private static double? Error(double estimate, double? truth) => truth is > 0 ? Math.Round(Math.Abs(estimate - truth.Value) / truth.Value, 4) : null;
}

/// <param name="Evidence">Whose slates the estimates are computed from: one logging policy (--logging-policy), or every slate but the target's own.</param>
public sealed record OffPolicyEvaluation(IReadOnlyDictionary<string, long> LoggedSlatesByPolicy, double LoggedLikeRate, long LoggedImpressions,
    IReadOnlyList<OffPolicyEstimate> Estimates, string Evidence = "every slate but the target's own")
{
    public string ToText()
    {
        var sb = new StringBuilder();
        string F(double? x) => x is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        string P(double? x) => x is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
        sb.AppendLine($"  logged under {string.Join(", ", LoggedSlatesByPolicy.Select(kv => $"{kv.Key} ({kv.Value} slates)"))}: like rate {F(LoggedLikeRate)} per impression over {LoggedImpressions}");
        sb.AppendLine($"  evidence: {Evidence}");
        sb.AppendLine($"  {"target",-16} {"IPS",7} {"SNIPS",7} {"ESS",8}   {"this run",8} {"IPS err",7} {"SNIPS err",9}   {"own run",7} {"IPS err",7} {"SNIPS err",9}");
        foreach (var e in Estimates)
            sb.AppendLine($"  {e.Policy,-16} {F(e.Ips),7} {F(e.Snips),7} {e.EffectiveSampleSize,8:0}   {F(e.RateInThisRun),8} {P(e.IpsErrorInThisRun),7} {P(e.SnipsErrorInThisRun),9}   " +
                          $"{F(e.TrueRate),7} {P(e.IpsRelativeError),7} {P(e.SnipsRelativeError),9}");
        sb.AppendLine("  (this run: the target's like rate on the slates it served in the logged run itself, when the mix assigns it per slate;");
        sb.AppendLine("   own run: a separate run under the target, given with --compare-data-dir; '-' where there is none)");
        if (Estimates.Count == 0) sb.AppendLine("  no shadow propensities logged: set afu.feed.shadow-policies (e.g. [popular, random]) in the logging run");
        return sb.ToString();
    }
}

/// <summary>
/// Off-policy evaluation on the impression log. Each shown slot i has the logging probability p_i (the propensity column)
/// and, for every shadow policy, the probability q_i that the target policy shows the same post at the same position
/// (table impression_propensities). With w_i = q_i / p_i and r_i = 1 when the slot was liked, the like rate per
/// impression of the target policy is estimated by IPS, Σ w_i r_i / n, and by self-normalised IPS, Σ w_i r_i / Σ w_i
/// (item-position model: a slot's like depends on the post and its position). The true rate comes from a run under the
/// target policy: its likes per impression over the slates that policy served (the random share left out).
/// </summary>
public static class OffPolicyEvaluator
{
    /// <param name="loggingPolicy">Estimate from this policy's slates only (not its random share); null: from every slate but the target's own.</param>
    public static OffPolicyEvaluation Evaluate(DatasetTables logged, IReadOnlyList<DatasetTables> runs, string? loggingPolicy = null)
    {
        var acc = new Dictionary<string, (long N, double Sw, double Swr, double Sw2)>(StringComparer.Ordinal);
        var inRun = LikesByPolicy(logged.Impressions);
        foreach (var i in logged.Impressions)
        {
            if (!logged.Shadow.TryGetValue(i.Id, out var targets)) continue;
            if (loggingPolicy is not null && (i.IsRandom || i.Policy != loggingPolicy)) continue;
            foreach (var (policy, q) in targets)
            {
                if (!i.IsRandom && i.Policy == policy) continue; // the target's own slates are its truth, not its evidence
                var w = q / i.Propensity;
                var a = acc.GetValueOrDefault(policy);
                acc[policy] = (a.N + 1, a.Sw + w, a.Swr + (i.Liked ? w : 0), a.Sw2 + w * w);
            }
        }
        var truth = LikesByPolicy(runs.SelectMany(r => r.Impressions));
        var estimates = acc.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var (n, sw, swr, sw2) = kv.Value;
            var known = truth.TryGetValue(kv.Key, out var t) && t.N > 0;
            var here = inRun.TryGetValue(kv.Key, out var h) && h.N > 0;
            return new OffPolicyEstimate(kv.Key, n, Math.Round(swr / n, 6), Math.Round(sw > 0 ? swr / sw : 0, 6), Math.Round(sw2 > 0 ? sw * sw / sw2 : 0, 1),
                here ? Math.Round((double)h.Likes / h.N, 6) : null, here ? h.N : null,
                known ? Math.Round((double)t.Likes / t.N, 6) : null, known ? t.N : null);
        }).ToList();
        var slates = logged.Impressions.GroupBy(i => i.IsRandom ? "random share" : i.Policy).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Select(i => i.SlateId).Distinct().LongCount());
        var likeRate = logged.Impressions.Count == 0 ? 0 : logged.Impressions.Count(i => i.Liked) / (double)logged.Impressions.Count;
        return new OffPolicyEvaluation(slates, Math.Round(likeRate, 6), logged.Impressions.Count, estimates,
            loggingPolicy is null ? "every slate but the target's own" : $"the slates of {loggingPolicy} only");
    }

    /// <summary>Impressions and likes of the slates each policy served (the random share left out: it is no policy's).</summary>
    private static Dictionary<string, (long N, long Likes)> LikesByPolicy(IEnumerable<DsImpression> impressions)
    {
        var byPolicy = new Dictionary<string, (long N, long Likes)>(StringComparer.Ordinal);
        foreach (var i in impressions.Where(i => !i.IsRandom))
        {
            var t = byPolicy.GetValueOrDefault(i.Policy);
            byPolicy[i.Policy] = (t.N + 1, t.Likes + (i.Liked ? 1 : 0));
        }
        return byPolicy;
    }
}
