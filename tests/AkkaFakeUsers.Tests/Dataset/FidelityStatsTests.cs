using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>The statistics of afu dataset fidelity on small inputs whose answers are known by hand or published.</summary>
public class FidelityStatsTests
{
    [Theory]
    [InlineData(new double[] { 1, 1, 1, 1 }, 0.0)]
    [InlineData(new double[] { 0, 0, 0, 10 }, 0.75)] // one holds everything: (n - 1) / n
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.25)] // Σ|xi - xj| over ordered pairs 20, / (2 n² mean = 80)
    [InlineData(new double[] { 0, 0 }, 0.0)]
    public void Gini_of_small_lists(double[] values, double expected) => Assert.Equal(expected, Stats.Gini(values), 12);

    [Theory]
    // Newcombe 1998 (Statistics in Medicine 17:857), Table II, method 3 (Wilson score)
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    [InlineData(5, 10, 0.2366, 0.7634)]
    public void Wilson_interval_matches_the_published_figures(long k, long n, double low, double high)
    {
        var (l, h) = Stats.Wilson(k, n)!.Value;
        Assert.Equal(low, l, 4);
        Assert.Equal(high, h, 4);
    }

    [Fact]
    public void Wilson_interval_of_no_trials_is_undefined() => Assert.Null(Stats.Wilson(0, 0));

    [Fact]
    public void Ratio_of_two_rates_has_the_log_method_interval()
    {
        // 20/100 over 10/100 = 2; se = √(1/20 − 1/100 + 1/10 − 1/100) = √0.13; 2·exp(∓1.96·√0.13)
        var (low, high) = Stats.RateRatio(20, 100, 10, 100)!.Value;
        Assert.Equal(0.98656, low, 5);
        Assert.Equal(4.05448, high, 5);
        Assert.Null(Stats.RateRatio(0, 100, 10, 100)); // log of 0
        Assert.Null(Stats.RateRatio(10, 100, 0, 100));
    }

    [Fact]
    public void Ratio_of_two_counts_is_the_wilson_interval_of_the_split_as_odds()
    {
        // 10 hides, 100 likes: Wilson of 10 / 110 = (0.050130, 0.159297), as p / (1 − p)
        var (low, high) = Stats.CountRatio(10, 100)!.Value;
        Assert.Equal(0.052776, low, 5);
        Assert.Equal(0.189480, high, 5);
        Assert.InRange(0.1, low, high);
        Assert.Null(Stats.CountRatio(3, 0));
    }

    [Fact]
    public void Quantiles_interpolate_between_the_closest_ranks()
    {
        double[] v = [4, 1, 3, 2];
        Assert.Equal(2.5, Stats.Median(v), 12);
        Assert.Equal(3.7, Stats.Quantile(v, 0.9), 12); // h = 3·0.9 = 2.7: 3 + 0.7·(4 − 3)
        Assert.Equal(3, Stats.Median([5, 1, 3]), 12);
        Assert.Equal(7, Stats.Quantile([7], 0.9), 12);
        Assert.True(double.IsNaN(Stats.Median([])));
        // the 1-to-10 list: p90 = 9.1 (numpy's default)
        Assert.Equal(9.1, Stats.Quantile(Enumerable.Range(1, 10).Select(i => (double)i), 0.9), 12);
    }

    [Fact]
    public void Top_share_of_a_count_of_values()
    {
        Assert.Equal(0.8, Stats.TopShare([8, 2, 0, 0, 0, 0, 0, 0, 0, 0], 1), 12);
        Assert.Equal(1.0, Stats.TopShare([8, 2, 0, 0], 2), 12);
        Assert.Equal(0, Stats.TopShare([0, 0], 1));
    }

    [Fact]
    public void Normal_cdf_at_known_points()
    {
        Assert.Equal(0.5, Stats.NormalCdf(0), 7);
        Assert.Equal(0.975, Stats.NormalCdf(Stats.Z95), 6);
        Assert.Equal(0.158655, Stats.NormalCdf(-1), 6);
    }

    [Fact]
    public void Dwell_target_lognormal_and_ctr_decay_band_come_from_the_targets()
    {
        // σ from the mean (√(2 ln(69/21)) = 1.5424) and from the p90 (ln(130/21) / 1.2816 = 1.4225), averaged
        Assert.Equal(1.4825, FidelityTargets.DwellSigma, 3);
        Assert.Equal((1.0, 1.0), FidelityTargets.CtrDecay(1));
        var at2 = FidelityTargets.CtrDecay(2);
        Assert.Equal(1.3, at2.Low, 9);
        Assert.Equal(2.0, at2.High, 9);
        var at10 = FidelityTargets.CtrDecay(10);
        Assert.Equal(3.0, at10.Low, 9);
        Assert.Equal(10.0, at10.High, 9);
        Assert.InRange(FidelityTargets.CtrDecay(5).Low, 1.3, 3.0);
    }
}
