using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace AkkaFakeUsers.Dataset;

/// <summary>One statistic measured against its target (<see cref="FidelityTargets"/>).</summary>
/// <param name="Value">Null (printed n/a) when the denominator is 0 or the ratio is undefined; such a row fails.</param>
/// <param name="CiLow">95% interval, where the row is a rate or a ratio of counts; else null.</param>
/// <param name="N">The denominator: rows, sessions, posts or users the figure is over.</param>
/// <param name="Detail">More figures (mean and p90 of a median row) or why the value is n/a.</param>
public sealed record FidelityRow(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("target_low")] double TargetLow,
    [property: JsonPropertyName("target_high")] double TargetHigh,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("ci_low")] double? CiLow,
    [property: JsonPropertyName("ci_high")] double? CiHigh,
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("pass")] bool Pass,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>CTR at one position, with its Wilson interval and the target band (position 1's CTR divided by <see cref="FidelityTargets.CtrDecay"/>).</summary>
public sealed record PositionCtr(
    [property: JsonPropertyName("position")] int Position,
    [property: JsonPropertyName("shown")] long Shown,
    [property: JsonPropertyName("opened")] long Opened,
    [property: JsonPropertyName("ctr")] double Ctr,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("target_low")] double? TargetLow,
    [property: JsonPropertyName("target_high")] double? TargetHigh);

/// <summary>Opened items whose dwell falls in [From, To) seconds, and the share the target log-normal puts there.</summary>
public sealed record DwellBin(
    [property: JsonPropertyName("from_s")] double FromSeconds,
    [property: JsonPropertyName("to_s")] double? ToSeconds,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("share")] double Share,
    [property: JsonPropertyName("target_share")] double TargetShare);

/// <summary>
/// <c>afu dataset fidelity</c> (and the fidelity section of <c>afu dataset report</c>): the simulated tables against
/// statistics published for real logs, one row per <see cref="FidelityTargets.All"/> entry, plus the data of its two charts.
/// </summary>
public sealed record FidelityReport(
    [property: JsonPropertyName("rows")] IReadOnlyList<FidelityRow> Rows,
    [property: JsonPropertyName("ctr_by_position")] IReadOnlyList<PositionCtr> CtrByPosition,
    [property: JsonPropertyName("dwell")] IReadOnlyList<DwellBin> Dwell,
    [property: JsonPropertyName("dwell_target_median_s")] double DwellTargetMedianSeconds,
    [property: JsonPropertyName("dwell_target_sigma")] double DwellTargetSigma)
{
    /// <summary>Keys of the rows outside their target, n/a rows included.</summary>
    [JsonPropertyName("failed")]
    public IReadOnlyList<string> Failed => Rows.Where(r => !r.Pass).Select(r => r.Key).ToList();

    /// <summary>Dwell bin edges in seconds (the last bin is the cap and over).</summary>
    private static readonly double[] DwellEdges = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, FidelityTargets.DwellCapSeconds];

    public static FidelityReport Compute(DatasetTables t)
    {
        var imp = t.Impressions;
        var rows = new List<FidelityRow>();
        void Add(string key, double? value, (double Low, double High)? ci, long n, string detail = "", bool extra = true)
        {
            var target = FidelityTargets.Get(key);
            if (value is { } v && !double.IsFinite(v)) value = null;
            var pass = value is { } x && x >= target.Low && x <= target.High && extra;
            rows.Add(new FidelityRow(key, target.Name, target.Unit, target.Low, target.High, Round(value), Round(ci?.Low), Round(ci?.High), n, pass,
                target.Source, value is null && detail.Length == 0 ? "n/a: nothing to measure" : detail));
        }
        void Rate(string key, long k, long n) =>
            Add(key, n > 0 ? (double)k / n : null, Stats.Wilson(k, n), n, n > 0 ? $"{k} of {n}" : "n/a: denominator 0");
        void RateRatio(string key, (long K, long N) a, (long K, long N) b, string what)
        {
            var defined = a.N > 0 && b.N > 0 && b.K > 0;
            Add(key, defined ? ((double)a.K / a.N) / ((double)b.K / b.N) : null, Stats.RateRatio(a.K, a.N, b.K, b.N), b.N,
                defined ? $"{a.K}/{a.N} over {b.K}/{b.N}" : $"n/a: no {(b.N == 0 || a.N == 0 ? "shown rows" : "opens")} {what}");
        }

        // --- the impression log: opens, position decay, random share and lift
        var opened = imp.LongCount(i => i.Viewed);
        Rate(FidelityTargets.OpenedPerShown, opened, imp.Count);
        var byPosition = imp.GroupBy(i => i.Position).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (K: g.LongCount(i => i.Viewed), N: g.LongCount()));
        (long K, long N) At(int position) => byPosition.GetValueOrDefault(position);
        RateRatio(FidelityTargets.CtrPos1OverPos2, At(1), At(2), "at position 1 or 2");
        RateRatio(FidelityTargets.CtrPos1OverPos10, At(1), At(10), "at position 1 or 10");
        var random = imp.Where(i => i.IsRandom).ToList();
        var personal = (K: imp.LongCount(i => !i.IsRandom && i.Viewed), N: imp.LongCount(i => !i.IsRandom));
        RateRatio(FidelityTargets.PersonalisedLift, personal, (random.LongCount(i => i.Viewed), random.Count), "in the personalised or the random rows");
        Rate(FidelityTargets.RandomShare, random.Count, imp.Count);

        // --- sessions: examined rows per session
        var perSession = imp.GroupBy(i => i.SessionId).Select(g => (double)g.Count(i => i.Examined)).ToList();
        var (median, mean, p90) = Summary(perSession);
        Add(FidelityTargets.ItemsPerSession, median, null, perSession.Count,
            perSession.Count == 0 ? "n/a: no sessions" : FormattableString.Invariant($"mean {mean:0.##}, p90 {p90:0.##}; {(mean > median ? "right-skewed (mean > median)" : "not right-skewed (mean <= median)")}"),
            mean > median);

        // --- dwell of opened items, seconds
        var dwell = imp.Where(i => i.Viewed).Select(i => i.DwellMs / 1000.0).ToList();
        var (dMedian, dMean, dP90) = Summary(dwell);
        var dwellDetail = dwell.Count == 0 ? "n/a: nothing opened" : "";
        Add(FidelityTargets.DwellMedian, dMedian, null, dwell.Count, dwellDetail);
        Add(FidelityTargets.DwellP90, dP90, null, dwell.Count, dwellDetail);
        Add(FidelityTargets.DwellMean, dMean, null, dwell.Count, dwellDetail);

        // --- explicit feedback
        var liked = imp.LongCount(i => i.Liked);
        Rate(FidelityTargets.LikesPerOpen, imp.LongCount(i => i.Liked && i.Viewed), opened);
        var hid = imp.LongCount(i => i.Hid);
        Add(FidelityTargets.HidesPerLike, liked > 0 ? (double)hid / liked : null, Stats.CountRatio(hid, liked), liked,
            liked > 0 ? $"{hid} hides, {liked} likes" : "n/a: no likes");

        // --- concentration: opens per post shown, posts per user
        var opensPerPost = imp.GroupBy(i => i.PostId).Select(g => (double)g.Count(i => i.Viewed)).ToList();
        Add(FidelityTargets.ItemPopularityGini, opensPerPost.Count > 0 ? Stats.Gini(opensPerPost) : null, null, opensPerPost.Count,
            opensPerPost.Count > 0 ? "" : "n/a: no post shown");
        var postsPerUser = t.Users.ToDictionary(u => u.Id, _ => 0.0);
        foreach (var p in t.Posts)
            if (postsPerUser.ContainsKey(p.AuthorId)) postsPerUser[p.AuthorId]++;
        var hasPosts = postsPerUser.Count > 0 && postsPerUser.Values.Sum() > 0;
        var noPosts = postsPerUser.Count == 0 ? "n/a: no users" : hasPosts ? "" : "n/a: no posts";
        Add(FidelityTargets.UserActivityGini, hasPosts ? Stats.Gini(postsPerUser.Values) : null, null, postsPerUser.Count, noPosts);
        var top = (postsPerUser.Count + 9) / 10;
        Add(FidelityTargets.TopAuthorsShare, hasPosts ? Stats.TopShare(postsPerUser.Values, top) : null, null, postsPerUser.Count,
            hasPosts ? $"top {top} of {postsPerUser.Count} users" : noPosts);

        // --- posting rate: posts x 30 days / time in the run (created_at to the run's last event, at least a day)
        var last = LastEvent(t);
        var monthly = t.Users.Select(u => postsPerUser[u.Id] * 30 / Math.Max(1, (last - u.CreatedAt).TotalDays)).ToList();
        Add(FidelityTargets.PostsPerUserMonth, monthly.Count > 0 ? Stats.Median(monthly) : null, null, monthly.Count,
            monthly.Count > 0 ? FormattableString.Invariant($"mean {monthly.Average():0.##}; last event {last:yyyy-MM-dd HH:mm:ss}Z") : "n/a: no users");

        // --- freshness: shown within 2 days of the post
        var createdAt = t.Posts.ToDictionary(p => p.Id, p => p.CreatedAt);
        var ages = imp.Where(i => createdAt.ContainsKey(i.PostId)).Select(i => i.ShownAt - createdAt[i.PostId]).ToList();
        Rate(FidelityTargets.Freshness, ages.LongCount(a => a <= TimeSpan.FromDays(2)), ages.Count);

        return new FidelityReport(rows, CtrCurve(byPosition), DwellBins(dwell), FidelityTargets.DwellMedianSeconds, Math.Round(FidelityTargets.DwellSigma, 4));
    }

    private static (double Median, double Mean, double P90) Summary(IReadOnlyList<double> values) =>
        values.Count == 0 ? (double.NaN, double.NaN, double.NaN) : (Stats.Median(values), values.Average(), Stats.Quantile(values, 0.9));

    /// <summary>The latest timestamp in any table: when the run's data ends.</summary>
    public static DateTime LastEvent(DatasetTables t) =>
        t.Users.Select(u => u.CreatedAt).Concat(t.Posts.Select(p => p.CreatedAt)).Concat(t.Interactions.Select(i => i.CreatedAt))
            .Concat(t.Follows.Select(f => f.CreatedAt)).Concat(t.Impressions.Select(i => i.ShownAt)).DefaultIfEmpty(DateTime.MinValue).Max();

    private static List<PositionCtr> CtrCurve(Dictionary<int, (long K, long N)> byPosition)
    {
        double? first = byPosition.TryGetValue(1, out var p1) && p1.N > 0 ? (double)p1.K / p1.N : null;
        return byPosition.Select(kv =>
        {
            var w = Stats.Wilson(kv.Value.K, kv.Value.N) ?? (0, 0);
            var (low, high) = FidelityTargets.CtrDecay(kv.Key);
            return new PositionCtr(kv.Key, kv.Value.N, kv.Value.K, Round((double)kv.Value.K / kv.Value.N)!.Value, Round(w.Low)!.Value, Round(w.High)!.Value,
                Round(first / high), Round(first / low));
        }).ToList();
    }

    private static List<DwellBin> DwellBins(IReadOnlyList<double> seconds)
    {
        var sigma = FidelityTargets.DwellSigma;
        double Cdf(double s) => s <= 0 ? 0 : Stats.NormalCdf((Math.Log(s) - Math.Log(FidelityTargets.DwellMedianSeconds)) / sigma);
        return Enumerable.Range(0, DwellEdges.Length).Select(b =>
        {
            var from = DwellEdges[b];
            double? to = b + 1 < DwellEdges.Length ? DwellEdges[b + 1] : null;
            var count = seconds.LongCount(s => s >= from && (to is null || s < to));
            return new DwellBin(from, to, count, Round(seconds.Count == 0 ? 0 : (double)count / seconds.Count)!.Value,
                Round((to is { } end ? Cdf(end) : 1) - Cdf(from))!.Value);
        }).ToList();
    }

    /// <summary>The rows as a table: statistic, target, measured value [95% interval], n, ✓/✗, source; details below a row.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"  {"statistic",-40} {"target",-12} {"measured [95% CI]",-26} {"n",8}     source");
        foreach (var r in Rows)
        {
            var measured = r.Value is { } v ? Num(r.Unit, v) + Suffix(r.Unit) + (r.CiLow is { } lo && r.CiHigh is { } hi ? $" [{Num(r.Unit, lo)}-{Num(r.Unit, hi)}]" : "") : "n/a";
            sb.AppendLine($"  {r.Name,-40} {Target(r),-12} {measured,-26} {r.N,8}  {(r.Pass ? "✓" : "✗")}  {r.Source}");
            if (r.Detail.Length > 0) sb.AppendLine($"  {"",-40} {r.Detail}");
        }
        var failed = Failed;
        sb.AppendLine($"  {Rows.Count - failed.Count} of {Rows.Count} rows within target" +
                      (failed.Count > 0 ? $"; outside (an n/a row counts as outside): {string.Join(", ", failed)}" : ""));
        return sb.ToString();
    }

    private static string Num(string unit, double x) => unit switch
    {
        "share" => (x * 100).ToString("0.00", CultureInfo.InvariantCulture),
        "ratio" => x.ToString("0.00", CultureInfo.InvariantCulture),
        "gini" => x.ToString("0.000", CultureInfo.InvariantCulture),
        "s" => x.ToString("0.0", CultureInfo.InvariantCulture),
        _ => x.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Suffix(string unit) => unit switch
    {
        "share" => " %",
        "ratio" => "x",
        "s" => " s",
        "posts/month" => " /month",
        _ => "",
    };

    private static string Target(FidelityRow r)
    {
        string T(double x) => (r.Unit == "share" ? x * 100 : x).ToString("0.##", CultureInfo.InvariantCulture);
        return r.Unit == "share" && r.TargetHigh >= 1 ? $">= {T(r.TargetLow)} %" : $"{T(r.TargetLow)}-{T(r.TargetHigh)}{Suffix(r.Unit)}";
    }

    private static double? Round(double? x) => x is { } v && double.IsFinite(v) ? Math.Round(v, 6) : null;
}
