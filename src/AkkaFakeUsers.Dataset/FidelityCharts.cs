using System.Globalization;
using ScottPlot;

namespace AkkaFakeUsers.Dataset;

/// <summary>The two charts of <c>afu dataset fidelity</c> as PNG files: CTR by position and dwell, each against its target.</summary>
public static class FidelityCharts
{
    public const string CtrFile = "fidelity-ctr-by-position.png";
    public const string DwellFile = "fidelity-dwell.png";

    /// <summary>Writes both charts into <paramref name="dir"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(FidelityReport r, string dir)
    {
        Directory.CreateDirectory(dir);
        return [CtrByPosition(r, Path.Combine(dir, CtrFile)), Dwell(r, Path.Combine(dir, DwellFile))];
    }

    /// <summary>CTR (opened / shown) by position with Wilson intervals, and the target band: position 1's CTR divided by the decay range.</summary>
    private static string CtrByPosition(FidelityReport r, string path)
    {
        var plt = new Plot();
        var rows = r.CtrByPosition;
        var xs = rows.Select(p => (double)p.Position).ToArray();
        var band = rows.Where(p => p.TargetLow is not null && p.TargetHigh is not null).ToArray();
        if (band.Length > 1)
        {
            var fill = plt.Add.FillY(band.Select(p => (double)p.Position).ToArray(), band.Select(p => p.TargetLow!.Value).ToArray(), band.Select(p => p.TargetHigh!.Value).ToArray());
            fill.FillColor = Colors.Orange.WithAlpha(0.3);
            fill.LineColor = Colors.Orange;
            var (at2, at10) = (FidelityTargets.Get(FidelityTargets.CtrPos1OverPos2), FidelityTargets.Get(FidelityTargets.CtrPos1OverPos10));
            fill.LegendText = FormattableString.Invariant($"target: position 1's CTR / {at2.Low:0.##}-{at2.High:0.##} at 2, / {at10.Low:0.##}-{at10.High:0.##} at 10");
        }
        var bars = plt.Add.Bars(xs.Length == 0 ? [0] : xs, xs.Length == 0 ? [0] : rows.Select(p => p.Ctr).ToArray());
        bars.Color = Colors.SteelBlue.WithAlpha(0.8);
        bars.LegendText = "CTR (opened / shown)";
        if (xs.Length > 0)
        {
            var err = new ScottPlot.Plottables.ErrorBar(xs, rows.Select(p => p.Ctr).ToArray(), null, null,
                rows.Select(p => p.CiHigh - p.Ctr).ToArray(), rows.Select(p => p.Ctr - p.CiLow).ToArray()) { Color = Colors.Black };
            plt.Add.Plottable(err);
        }
        plt.ShowLegend(Alignment.UpperRight);
        if (xs.Length > 0) plt.Axes.Bottom.SetTicks(xs, rows.Select(p => p.Position.ToString(CultureInfo.InvariantCulture)).ToArray());
        var shown = rows.Sum(p => p.Shown);
        plt.Title($"CTR by position within the page ({shown.ToString(CultureInfo.InvariantCulture)} shown), 95% Wilson intervals");
        plt.XLabel("position");
        plt.YLabel("opened / shown");
        plt.Axes.Margins(bottom: 0);
        plt.SavePng(path, ReportCharts.Width, ReportCharts.Height);
        return path;
    }

    /// <summary>Share of opened items by dwell (log-spaced bins) against the share the target log-normal puts in each bin.</summary>
    private static string Dwell(FidelityReport r, string path)
    {
        var plt = new Plot();
        var bins = r.Dwell;
        var xs = Enumerable.Range(0, bins.Count).Select(i => (double)i).ToArray();
        var bars = plt.Add.Bars(xs, bins.Select(b => b.Share).ToArray());
        bars.Color = Colors.SteelBlue;
        bars.LegendText = $"opened items ({bins.Sum(b => b.Count).ToString(CultureInfo.InvariantCulture)})";
        var line = plt.Add.Scatter(xs, bins.Select(b => b.TargetShare).ToArray());
        line.Color = Colors.OrangeRed;
        line.LineWidth = 3;
        line.LegendText = $"target log-normal: median {r.DwellTargetMedianSeconds:0} s, sigma {r.DwellTargetSigma.ToString("0.00", CultureInfo.InvariantCulture)}, capped";
        plt.ShowLegend(Alignment.UpperRight);
        string N(double x) => x >= 1000 ? (x / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k" : x.ToString("0", CultureInfo.InvariantCulture);
        plt.Axes.Bottom.SetTicks(xs, bins.Select(b => b.ToSeconds is { } to ? $"{N(b.FromSeconds)}-{N(to)}" : $"{N(b.FromSeconds)}+").ToArray());
        plt.Title("Dwell of opened items (seconds) against the EB-NeRD read-time fit");
        plt.XLabel("dwell, seconds");
        plt.YLabel("share of opened items");
        plt.Axes.Margins(bottom: 0);
        plt.SavePng(path, ReportCharts.Width, ReportCharts.Height);
        return path;
    }
}
