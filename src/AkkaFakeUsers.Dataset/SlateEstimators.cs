// Over 300 lines: the seven estimators share one pass and one bootstrap, and the doubly robust one's reward model sits beside them.
using System.Globalization;

namespace AkkaFakeUsers.Dataset;

/// <summary>
/// One estimator's figure for one target policy and one reward (liked, or opened), per impression.
/// </summary>
/// <param name="Name">IPS, SNIPS (over (post, position): Open Bandit Pipeline's SlateIndependentIPS), SIPS, SNSIPS (the whole
/// slate's ratio), RIPS, SNRIPS (the cascade's ratio down to the slot), DR (cascade doubly robust).</param>
/// <param name="Estimate">The rate per impression the target would get; null when the logs cannot give it (no cascade propensities logged).</param>
/// <param name="Low">Lower end of the 95% interval: the 2.5th percentile of the estimate over bootstrap resamples of users.</param>
/// <param name="High">Upper end: the 97.5th percentile.</param>
/// <param name="EffectiveSampleSize">(Σw)² / Σw² over the slots, with w the weight this estimator gives each slot.</param>
/// <param name="Impressions">Logged impressions it uses (the slate estimators: those of slates with cascade propensities).</param>
/// <param name="MeanWeight">Σw / n: 1 in expectation when the logs cover the target. Far below 1, the target puts its probability where the
/// logs have (almost) no slates: the unnormalised estimate is low, the self-normalised one rests on few slates, and neither the ESS
/// nor the bootstrap can see the missing mass.</param>
public sealed record EstimatorResult(string Name, double? Estimate, double? Low, double? High, double EffectiveSampleSize, long Impressions, double MeanWeight = 0)
{
    /// <summary>The estimate against each truth of its target: signed relative error and whether the interval holds the truth.</summary>
    public IReadOnlyList<TruthComparison> Comparisons { get; init; } = [];
}

/// <param name="Kind"><c>same-run A/B</c>, <c>separate run</c> or <c>fork</c>.</param>
/// <param name="RelativeError">(estimate - truth) / truth.</param>
/// <param name="Covered">The 95% interval holds the truth.</param>
public sealed record TruthComparison(string Kind, string Source, double Truth, double RelativeError, bool Covered);

/// <summary>One shown slot as the estimators read it: logged and target probabilities, the rewards, the reward model's prediction.</summary>
/// <param name="P">Logged P(this post at this position).</param>
/// <param name="Q">Target's P(this post at this position).</param>
/// <param name="Pc">Logged P(the slate's posts 1..position as shown); null where not logged.</param>
/// <param name="Qc">Target's P(the slate's posts 1..position as shown); null where not logged.</param>
/// <param name="BaseLike">The reward model's like probability for the slot (item-independent: user history, position, page).</param>
/// <param name="BaseOpen">The same for opened.</param>
public readonly record struct EvidenceSlot(int Position, double P, double Q, double? Pc, double? Qc, bool Liked, bool Viewed, double BaseLike, double BaseOpen);

/// <summary>A logged slate (one page) as evidence for one target: the user it was shown to (the bootstrap's cluster) and its slots.</summary>
public sealed record EvidenceSlate(int User, EvidenceSlot[] Slots);

/// <summary>
/// The estimators of a target policy's rate per impression from slates logged under other policies, with a percentile
/// bootstrap over users. For slot k of slate i (positions within the page), with r the reward:
/// <list type="bullet">
/// <item>IPS = Σ w r / n, SNIPS = Σ w r / Σ w, w = q(post, k) / p(post, k) (item-position model; OBP's SlateIndependentIPS);</item>
/// <item>SIPS = Σ W_i r / n, SNSIPS = Σ W_i r / Σ W_i (over slots), W_i = q(slate) / p(slate) (the cascade propensity at the last position);</item>
/// <item>RIPS = Σ w_{1:k} r / n, w_{1:k} = q(posts 1..k) / p(posts 1..k) (the cascade); SNRIPS normalises each position's weights
/// by their mean: (1/n) Σ_k n_k (Σ_i w_{1:k} r / Σ_i w_{1:k}), as McInerney et al. 2020 and OBP do;</item>
/// <item>DR = (1/n) Σ [ b_k + w_{1:k} (r − b_k) ]: Kiyohara et al. 2022's cascade doubly robust estimator with an item-independent
/// reward model b (its Q-function at k is Σ_{l≥k} b_l, whose expectation under any target is itself, so the direct-method term is
/// exact without the target's candidate pool).</item>
/// </list>
/// n is the number of logged impressions used (the slate estimators: those of slates with cascade propensities). The
/// bootstrap draws users with replacement (a user's slates share its history, its already-seen posts and the feed's
/// state at its sessions, so they are not independent), recomputes every estimator from per-user sums, and takes the
/// 2.5th and 97.5th percentiles; the reward model stays fitted once.
/// </summary>
public static class SlateEstimators
{
    public static readonly string[] Names = ["IPS", "SNIPS", "SIPS", "SNSIPS", "RIPS", "SNRIPS", "DR"];

    // per-user sums: 0 n, 1 Σw r, 2 Σw, 3 n (cascade slates), 4 ΣW r, 5 ΣW, 6 Σ DR term, then per position k: Σ w_k r, Σ w_k, n_k
    private const int Fixed = 7;

    /// <param name="opened">The reward is opened (viewed) instead of liked.</param>
    /// <param name="resamples">Bootstrap resamples (B); 0: no interval.</param>
    public static IReadOnlyList<EstimatorResult> Estimate(IReadOnlyList<EvidenceSlate> slates, bool opened, int resamples, int seed)
    {
        var maxPosition = slates.Count == 0 ? 1 : slates.Max(s => s.Slots.Length == 0 ? 1 : s.Slots.Max(x => x.Position));
        var width = Fixed + 3 * maxPosition;
        var userIndex = new Dictionary<int, int>();
        var rows = new List<double[]>();
        // full-data sums of squared weights, for the effective sample sizes
        double sw2 = 0, sW = 0, sW2 = 0, sc = 0, sc2 = 0;
        foreach (var slate in slates)
        {
            if (!userIndex.TryGetValue(slate.User, out var u))
            {
                userIndex[slate.User] = u = rows.Count;
                rows.Add(new double[width]);
            }
            var row = rows[u];
            foreach (var x in slate.Slots)
            {
                var w = x.Q / x.P;
                var r = Reward(x, opened);
                row[0] += 1;
                row[1] += w * r;
                row[2] += w;
                sw2 += w * w;
            }
            if (!HasCascade(slate)) continue;
            var last = slate.Slots.MaxBy(x => x.Position);
            var whole = last.Qc!.Value / last.Pc!.Value;
            foreach (var x in slate.Slots)
            {
                var wk = x.Qc!.Value / x.Pc!.Value;
                var r = Reward(x, opened);
                var b = opened ? x.BaseOpen : x.BaseLike;
                row[3] += 1;
                row[4] += whole * r;
                row[5] += whole;
                row[6] += b + wk * (r - b);
                var k = Fixed + 3 * (x.Position - 1);
                row[k] += wk * r;
                row[k + 1] += wk;
                row[k + 2] += 1;
                sW += whole;
                sW2 += whole * whole;
                sc += wk;
                sc2 += wk * wk;
            }
        }

        var total = new double[width];
        foreach (var row in rows)
            for (var j = 0; j < width; j++) total[j] += row[j];
        var point = Values(total, maxPosition);
        var ess = new[] { Ess(total[2], sw2), Ess(total[2], sw2), Ess(sW, sW2), Ess(sW, sW2), Ess(sc, sc2), Ess(sc, sc2), Ess(sc, sc2) };
        double Mean(double sum, double n) => n > 0 ? Math.Round(sum / n, 4) : 0;
        var meanWeight = new[] { Mean(total[2], total[0]), Mean(total[2], total[0]), Mean(sW, total[3]), Mean(sW, total[3]), Mean(sc, total[3]), Mean(sc, total[3]), Mean(sc, total[3]) };
        var intervals = Bootstrap(rows, width, maxPosition, resamples, seed);
        return Names.Select((name, e) => new EstimatorResult(name, Round(point[e]),
            intervals is null ? null : Round(intervals[e].Low), intervals is null ? null : Round(intervals[e].High),
            Math.Round(ess[e], 1), (long)(e < 2 ? total[0] : total[3]), meanWeight[e])).ToList();
    }

    private static double Reward(in EvidenceSlot x, bool opened) => (opened ? x.Viewed : x.Liked) ? 1 : 0;

    private static bool HasCascade(EvidenceSlate s) => s.Slots.Length > 0 && s.Slots.All(x => x.Pc is > 0 && x.Qc is not null);

    /// <summary>(Σw)² / Σw²: the number of equally weighted impressions worth as much as the weighted ones.</summary>
    public static double Ess(double sumW, double sumW2) => sumW2 > 0 ? sumW * sumW / sumW2 : 0;

    private static double? Round(double x) => double.IsFinite(x) ? Math.Round(x, 6) : null;

    /// <summary>Every estimator from summed per-user statistics; NaN where it has no data.</summary>
    private static double[] Values(ReadOnlySpan<double> s, int maxPosition)
    {
        var v = new double[Names.Length];
        v[0] = s[0] > 0 ? s[1] / s[0] : double.NaN;
        v[1] = s[2] > 0 ? s[1] / s[2] : double.NaN;
        var nc = s[3];
        v[2] = nc > 0 ? s[4] / nc : double.NaN;
        v[3] = s[5] > 0 ? s[4] / s[5] : double.NaN;
        double rips = 0, snrips = 0;
        for (var k = 0; k < maxPosition; k++)
        {
            var j = Fixed + 3 * k;
            rips += s[j];
            if (s[j + 1] > 0) snrips += s[j + 2] * s[j] / s[j + 1];
        }
        v[4] = nc > 0 ? rips / nc : double.NaN;
        v[5] = nc > 0 ? snrips / nc : double.NaN;
        v[6] = nc > 0 ? s[6] / nc : double.NaN;
        return v;
    }

    /// <summary>Percentile intervals over <paramref name="resamples"/> resamples of the users; null with fewer than 2 users or no resamples.</summary>
    private static (double Low, double High)[]? Bootstrap(List<double[]> rows, int width, int maxPosition, int resamples, int seed)
    {
        var users = rows.Count;
        if (users < 2 || resamples <= 0) return null;
        var flat = new double[users * width];
        for (var u = 0; u < users; u++) rows[u].CopyTo(flat, u * width);
        var values = new double[Names.Length][];
        for (var e = 0; e < values.Length; e++) values[e] = new double[resamples];
        // each resample has its own seeded source: the result does not depend on how the work is split over threads
        Parallel.For(0, resamples, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, () => new double[width], (b, _, acc) =>
        {
            Array.Clear(acc);
            var rng = new Random(unchecked(seed * 1_000_003 + b));
            var a = acc.AsSpan();
            for (var i = 0; i < users; i++)
            {
                var row = flat.AsSpan(rng.Next(users) * width, width);
                for (var j = 0; j < width; j++) a[j] += row[j];
            }
            var v = Values(a, maxPosition);
            for (var e = 0; e < v.Length; e++) values[e][b] = v[e];
            return acc;
        }, _ => { });
        return values.Select(Percentiles).ToArray();
    }

    private static (double Low, double High) Percentiles(double[] replicates)
    {
        var finite = replicates.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) return (double.NaN, double.NaN);
        return (Quantile(finite, 0.025), Quantile(finite, 0.975));
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The figure as printed: four decimals, or '-'.</summary>
    internal static string F(double? x) => x is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}

/// <summary>
/// The reward model of the doubly robust estimator: the mean reward by position (within the page), page (1, 2, 3+) and the
/// user's own rate before the slate (no history, or its ratio to the overall rate in five bands), shrunk to the position's
/// mean. It never looks at the post, so its expectation under any target policy is itself (the direct-method term is exact
/// without knowing the target's candidate pool). Cross-fitted: users are split in two folds by a hash of their id, and a
/// slot's prediction comes from the model fitted on the other fold, so no slot's own reward enters its baseline.
/// </summary>
public static class RewardBaseline
{
    private const int Positions = 20, Pages = 3, Bands = 6;
    private const double Shrink = 20;

    /// <summary>For each impression (by index in <paramref name="impressions"/>), the predicted like and open probabilities.</summary>
    public static (double[] Like, double[] Open) Fit(IReadOnlyList<DsImpression> impressions)
    {
        var n = impressions.Count;
        // the log comes in this order (DatasetTables reads it so): sort only when it does not
        var order = Enumerable.Range(0, n).ToArray();
        if (!InLogOrder(impressions))
            order = order.OrderBy(i => impressions[i].ShownAt).ThenBy(i => impressions[i].SlateId, StringComparer.Ordinal).ThenBy(i => impressions[i].Position).ToArray();
        // the user's counts before each slate: rows of one slate never see each other's outcomes
        var before = new (int N, int Likes, int Opens)[n];
        var counts = new Dictionary<string, (int N, int Likes, int Opens)>(StringComparer.Ordinal);
        for (var s = 0; s < n;)
        {
            var e = s;
            while (e < n && impressions[order[e]].SlateId == impressions[order[s]].SlateId) e++;
            var user = impressions[order[s]].UserId;
            var c = counts.GetValueOrDefault(user);
            for (var j = s; j < e; j++) before[order[j]] = c;
            for (var j = s; j < e; j++)
            {
                var i = impressions[order[j]];
                c = (c.N + 1, c.Likes + (i.Liked ? 1 : 0), c.Opens + (i.Viewed ? 1 : 0));
            }
            counts[user] = c;
            s = e;
        }
        var fold = impressions.Select(i => (int)(StableHash(i.UserId) & 1)).ToArray();
        return (Predict(impressions, before, fold, opened: false), Predict(impressions, before, fold, opened: true));
    }

    private static bool InLogOrder(IReadOnlyList<DsImpression> impressions)
    {
        for (var i = 1; i < impressions.Count; i++)
        {
            var (a, b) = (impressions[i - 1], impressions[i]);
            var c = a.ShownAt.CompareTo(b.ShownAt);
            if (c == 0) c = string.CompareOrdinal(a.SlateId, b.SlateId);
            if (c == 0) c = a.Position.CompareTo(b.Position);
            if (c > 0) return false;
        }
        return true;
    }

    private static double[] Predict(IReadOnlyList<DsImpression> impressions, (int N, int Likes, int Opens)[] before, int[] fold, bool opened)
    {
        var n = impressions.Count;
        double R(int i) => (opened ? impressions[i].Viewed : impressions[i].Liked) ? 1 : 0;
        // each fold's overall rate: the bands of a model are cut by its own fold's rate
        var foldSum = new double[2];
        var foldN = new double[2];
        for (var i = 0; i < n; i++)
        {
            foldSum[fold[i]] += R(i);
            foldN[fold[i]] += 1;
        }
        var prediction = new double[n];
        for (var f = 0; f < 2; f++)
        {
            var train = 1 - f;
            if (foldN[train] == 0) continue; // nothing to learn from: baseline 0, the estimator is RIPS
            var g = foldSum[train] / foldN[train];
            var cellSum = new double[Cells];
            var cellN = new double[Cells];
            var posSum = new double[Positions];
            var posN = new double[Positions];
            for (var i = 0; i < n; i++)
            {
                if (fold[i] != train) continue;
                var (cell, pos) = Cell(impressions[i], before[i], opened, g);
                cellSum[cell] += R(i);
                cellN[cell] += 1;
                posSum[pos] += R(i);
                posN[pos] += 1;
            }
            for (var i = 0; i < n; i++)
            {
                if (fold[i] != f) continue;
                var (cell, pos) = Cell(impressions[i], before[i], opened, g);
                var posMean = (posSum[pos] + Shrink * g) / (posN[pos] + Shrink);
                prediction[i] = (cellSum[cell] + Shrink * posMean) / (cellN[cell] + Shrink);
            }
        }
        return prediction;
    }

    private const int Cells = Positions * Pages * Bands;

    private static (int Cell, int Position) Cell(DsImpression i, (int N, int Likes, int Opens) before, bool opened, double overall)
    {
        var pos = Math.Clamp(i.Position, 1, Positions) - 1;
        var page = Math.Clamp(i.Page, 1, Pages) - 1;
        var band = 0;
        if (before.N > 0)
        {
            var rate = (double)(opened ? before.Opens : before.Likes) / before.N;
            var ratio = overall > 0 ? rate / overall : 0;
            band = ratio < 0.25 ? 1 : ratio < 0.6 ? 2 : ratio < 1.0 ? 3 : ratio < 1.6 ? 4 : 5;
        }
        return ((band * Pages + page) * Positions + pos, pos);
    }

    /// <summary>FNV-1a of the id: the same fold in every process (string.GetHashCode is randomised per process).</summary>
    public static uint StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var ch in s) h = (h ^ ch) * 16777619u;
        return h;
    }
}
