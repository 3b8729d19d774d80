namespace AkkaFakeUsers.Dataset;

/// <summary>Small statistics the report and the tests share.</summary>
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
