using ScottPlot;

namespace AkkaFakeUsers.Dataset;

/// <summary>The report's charts as PNG files (ScottPlot, rendered off-screen).</summary>
public static class ReportCharts
{
    public const int Width = 800;
    public const int Height = 450;

    /// <summary>Writes every chart into <paramref name="dir"/> and returns the file paths.</summary>
    public static IReadOnlyList<string> Write(DatasetReport r, string dir)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>
        {
            Bars(dir, "funnel.png", "Funnel: views, likes, comments, replies", "interactions",
                ["views", "likes", "comments", "replies"], [r.Funnel.Views, r.Funnel.Likes, r.Funnel.Comments, r.Funnel.Replies]),
            LikeRateByMatch(r, dir),
            Bars(dir, "posts-per-user.png", $"Posts per user (Gini {r.Activity.PostsGini:0.00}, top 10% write {r.Activity.PostsTop10Share:P0})", "users",
                r.Activity.PostsPerUser.Select(b => b.Label).ToArray(), r.Activity.PostsPerUser.Select(b => (double)b.Count).ToArray()),
            PostsByHour(r, dir),
            Bars(dir, "follow-in-degree.png", $"Followers per user (homophily x{r.Follows.HomophilyRatio:0.0})", "users",
                r.Follows.InDegree.Select(b => b.Label).ToArray(), r.Follows.InDegree.Select(b => (double)b.Count).ToArray()),
            Bars(dir, "post-length.png", $"Post length in characters (distinct-2 {r.Text.Distinct2:0.00})", "posts",
                r.Text.Lengths.Select(b => b.Label).ToArray(), r.Text.Lengths.Select(b => (double)b.Count).ToArray()),
            CtrByPosition(r, dir),
        };
        return files;
    }

    private static string Bars(string dir, string file, string title, string yLabel, string[] labels, double[] values)
    {
        var plt = new Plot();
        var bars = plt.Add.Bars(values.Length == 0 ? [0] : values);
        bars.Color = Colors.SteelBlue;
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), labels);
        plt.Axes.Margins(bottom: 0);
        plt.Title(title);
        plt.YLabel(yLabel);
        var path = Path.Combine(dir, file);
        plt.SavePng(path, Width, Height);
        return path;
    }

    private static string LikeRateByMatch(DatasetReport r, string dir)
    {
        var plt = new Plot();
        var bins = r.LikeRateByMatch.Where(b => b.Views > 0).ToArray();
        var bars = plt.Add.Bars(bins.Select(b => (b.From + b.To) / 2).ToArray(), bins.Select(b => b.LikeRate).ToArray());
        foreach (var b in bars.Bars) b.Size = 0.08;
        bars.Color = Colors.SeaGreen;
        plt.Title("Like rate by interest-match score (likes / views)");
        plt.XLabel("interest-match score");
        plt.YLabel("like rate");
        plt.Axes.SetLimitsX(0, 1);
        plt.Axes.Margins(bottom: 0);
        var path = Path.Combine(dir, "like-rate-by-match.png");
        plt.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>Click-through (opened / shown) and examination by slate position: position bias at a glance.</summary>
    private static string CtrByPosition(DatasetReport r, string dir)
    {
        var rows = r.Impressions.ByPosition;
        return BarsAndLine(dir, "ctr-by-position.png", $"Click-through by slate position ({r.Impressions.Impressions} impressions)", "position", "rate",
            rows.Select(p => (double)p.Position).ToArray(), rows.Select(p => p.Ctr).ToArray(), "CTR (opened / shown)",
            rows.Select(p => p.ExaminedRate).ToArray(), "examined / shown");
    }

    private static string PostsByHour(DatasetReport r, string dir)
    {
        var posts = r.Hours.Posts.Select(p => (double)p).ToArray();
        // the configured curve, scaled to the same total, as a line over the bars
        var total = posts.Sum();
        var curveSum = r.Hours.ConfiguredCurve.Sum();
        var scaled = r.Hours.ConfiguredCurve.Select(c => curveSum > 0 ? c / curveSum * total : 0).ToArray();
        return BarsAndLine(dir, "posts-by-hour.png", $"Posts by simulated hour (correlation with the curve {r.Hours.Correlation:0.00})",
            "hour of day (UTC, simulated)", "posts", Enumerable.Range(0, 24).Select(h => (double)h).ToArray(), posts, "posts", scaled, "configured curve");
    }

    /// <summary>Bars with a line over them, both with a legend entry.</summary>
    private static string BarsAndLine(string dir, string file, string title, string xLabel, string yLabel, double[] x, double[] bars, string barsLegend,
        double[] line, string lineLegend)
    {
        var plt = new Plot();
        var b = plt.Add.Bars(x.Length == 0 ? [0] : x, bars.Length == 0 ? [0] : bars);
        b.Color = Colors.SteelBlue;
        b.LegendText = barsLegend;
        if (x.Length > 0)
        {
            var l = plt.Add.Scatter(x, line);
            l.Color = Colors.OrangeRed;
            l.LineWidth = 3;
            l.LegendText = lineLegend;
            plt.ShowLegend();
        }
        plt.Title(title);
        plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        plt.Axes.Margins(bottom: 0);
        var path = Path.Combine(dir, file);
        plt.SavePng(path, Width, Height);
        return path;
    }
}
