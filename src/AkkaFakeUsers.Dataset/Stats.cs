namespace AkkaFakeUsers.Dataset;

/// <summary>Small statistics the report, the fidelity rows and the tests share.</summary>
public static class Stats
{
    /// <summary>Gini coefficient of non-negative values (0 = all equal, → 1 = one holds everything).</summary>
    public static double Gini(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        var n = v.Length;
        var sum = v.Sum();
        if (n == 0 || sum <= 0) return 0;
        double weighted = 0;
        for (var i = 0; i < n; i++) weighted += (i + 1) * v[i];
        return (2 * weighted) / (n * sum) - (n + 1.0) / n;
    }

    /// <summary>Share of the total held by the top <paramref name="fraction"/> of values.</summary>
    public static double TopShare(IEnumerable<double> values, double fraction)
    {
        var v = values.OrderByDescending(x => x).ToArray();
        var sum = v.Sum();
        if (v.Length == 0 || sum <= 0) return 0;
        var k = Math.Max(1, (int)Math.Round(v.Length * fraction));
        return v.Take(k).Sum() / sum;
    }

    /// <summary>The normal quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Share of the total held by the top <paramref name="count"/> values (ranked largest first). The fidelity rows take
    /// count = ceil(10% of the values): the fewest values that make up a tenth of them.
    /// </summary>
    public static double TopShare(IEnumerable<double> values, int count)
    {
        var v = values.OrderByDescending(x => x).ToArray();
        var sum = v.Sum();
        return v.Length == 0 || sum <= 0 ? 0 : v.Take(Math.Max(0, count)).Sum() / sum;
    }

    /// <summary>
    /// The <paramref name="p"/>-quantile by linear interpolation between the closest ranks (Hyndman-Fan type 7, numpy's
    /// and Excel PERCENTILE.INC's default): h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]) over the
    /// sorted values. p = 0.5 is the usual median (the mean of the middle two when n is even). NaN when there are none.
    /// </summary>
    public static double Quantile(IEnumerable<double> values, double p)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        var h = (v.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        return lo + 1 >= v.Length ? v[^1] : v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
    }

    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

    /// <summary>Wilson score interval of a binomial rate k / n (95% by default); null when n is 0.</summary>
    public static (double Low, double High)? Wilson(long k, long n, double z = Z95)
    {
        if (n <= 0 || k < 0 || k > n) return null;
        var p = (double)k / n;
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2.0 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// Interval of the ratio of two binomial rates (k1 / n1) / (k2 / n2) by the log method (Katz et al. 1978):
    /// exp(ln ratio ± z √(1/k1 − 1/n1 + 1/k2 − 1/n2)). Null when a count is 0 (the log is undefined).
    /// </summary>
    public static (double Low, double High)? RateRatio(long k1, long n1, long k2, long n2, double z = Z95)
    {
        if (k1 <= 0 || k2 <= 0 || n1 < k1 || n2 < k2) return null;
        var ratio = ((double)k1 / n1) / ((double)k2 / n2);
        var se = Math.Sqrt(1.0 / k1 - 1.0 / n1 + 1.0 / k2 - 1.0 / n2);
        return (ratio * Math.Exp(-z * se), ratio * Math.Exp(z * se));
    }

    /// <summary>
    /// Interval of a ratio of two event counts a / b (Poisson): given a + b events, a is binomial with p = a / (a + b),
    /// so the Wilson interval of p, mapped through p / (1 − p), bounds a / b. Null when b is 0.
    /// </summary>
    public static (double Low, double High)? CountRatio(long a, long b, double z = Z95)
    {
        if (b <= 0 || a < 0 || Wilson(a, a + b, z) is not { } w || w.High >= 1) return null;
        return (w.Low / (1 - w.Low), w.High / (1 - w.High));
    }

    /// <summary>Standard normal cumulative distribution (the model's <see cref="Domain.Gaussian.Cdf"/>: Abramowitz and Stegun 7.1.26, error under 1.5e-7).</summary>
    public static double NormalCdf(double x) => Domain.Gaussian.Cdf(x);

    /// <summary>Pearson correlation (0 when either side is constant).</summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count || a.Count < 2) return 0;
        var ma = a.Average();
        var mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Count; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa <= 0 || sbb <= 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Area under the ROC curve from scores and labels (ties count half): the probability a positive outranks a negative.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var idx = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double pos = labels.Count(l => l), neg = labels.Count - pos;
        if (pos == 0 || neg == 0) return 0.5;
        double rankSum = 0;
        var r = 0;
        while (r < idx.Length)
        {
            var s = r;
            while (s + 1 < idx.Length && scores[idx[s + 1]] == scores[idx[r]]) s++;
            var avgRank = (r + s) / 2.0 + 1;
            for (var k = r; k <= s; k++)
                if (labels[idx[k]]) rankSum += avgRank;
            r = s + 1;
        }
        return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
    }
}
