using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Tests.Domain;

/// <summary>The pure rules the calibrated profile leans on: scrolling pages, the examination floor, log-normal dwell, creators' appeal, opening by match.</summary>
public class CalibratedRulesTests
{
    private static readonly ReactionSettings Never = new(InteractionProbability: 0, LikeBase: 0, LikeSlope: 0, CommentBase: 0, CommentSlope: 0);

    [Fact]
    public void The_examination_floor_keeps_the_bottom_of_a_page_in_view_and_zero_is_the_plain_cascade()
    {
        var plain = SessionSettings.Default with { ExaminationDecay = 0.6 };
        Assert.Equal(Math.Pow(0.6, 9), Sessions.ExaminationProbability(plain, 10));
        var floored = plain with { ExaminationFloor = 0.35 };
        Assert.Equal(1.0, Sessions.ExaminationProbability(floored, 1), 12);
        Assert.Equal(0.35 + 0.65 * 0.6, Sessions.ExaminationProbability(floored, 2), 12);
        Assert.Equal(0.35 + 0.65 * Math.Pow(0.6, 9), Sessions.ExaminationProbability(floored, 10), 12);
    }

    [Fact]
    public void Stopping_gets_likelier_with_every_skipped_post_in_a_row_and_after_an_engagement()
    {
        var s = SessionSettings.Default with { StopAfterEngagement = 0.5 };
        var scroll = new ScrollSettings(true, StopPerSlot: 0.05, Boredom: 0.02);
        Assert.Equal(0.05, Sessions.StopProbability(s, scroll, 0, engaged: false), 12);
        Assert.Equal(0.11, Sessions.StopProbability(s, scroll, 3, engaged: false), 12);
        Assert.Equal(1 - 0.95 * 0.5, Sessions.StopProbability(s, scroll, 0, engaged: true), 12);
        Assert.Equal(1.0, Sessions.StopProbability(s, scroll with { Boredom = 0.5 }, 3, engaged: false));
    }

    [Fact]
    public void Pages_read_without_stopping_are_all_examined_and_scroll_on_and_items_per_session_are_right_skewed()
    {
        var slots = Enumerable.Repeat(new SlotView(0.5, false), 10).ToArray();
        var never = SessionSettings.Default with { ExaminationDecay = 1, Scroll = new ScrollSettings(true, StopPerSlot: 0, Boredom: 0) };
        var page = Sessions.ExaminePage(never, Never, slots, new Random(1), 0);
        Assert.True(page.ScrollsOn);
        Assert.All(page.Slots, o => Assert.True(o.Examined && !o.Viewed));
        Assert.Equal(10, page.SkipsInARow);

        // a whole session of pages: with a stop chance per slot, looked-at items per session are geometric-like (mean > median)
        var s = SessionSettings.Default with { ExaminationDecay = 0.6, ExaminationFloor = 0.35, Scroll = new ScrollSettings(true, StopPerSlot: 0.04, Boredom: 0.005) };
        var rng = new Random(3);
        var perSession = new List<int>();
        for (var k = 0; k < 4000; k++)
        {
            int examined = 0, skips = 0;
            for (var p = 0; p < 10; p++)
            {
                var o = Sessions.ExaminePage(s, Never, slots, rng, skips);
                examined += o.Slots.Count(x => x.Examined);
                skips = o.SkipsInARow;
                if (!o.ScrollsOn) break;
            }
            perSession.Add(examined);
        }
        perSession.Sort();
        var median = perSession[perSession.Count / 2];
        Assert.InRange(median, 4, 14);
        Assert.True(perSession.Average() > median, $"mean {perSession.Average():F1} vs median {median}");
        Assert.True(perSession[^1] > 3 * median, $"longest {perSession[^1]}");
    }

    [Fact]
    public void Lognormal_dwell_has_the_configured_median_and_spread_and_is_capped()
    {
        var d = new DwellSettings(DwellModel.LogNormal, TimeSpan.FromSeconds(20), 1.5, TimeSpan.FromMinutes(30));
        // at match 0.5 the factor is 1: the median draw gives the median, the 90th percentile median x exp(1.2816 sigma)
        Assert.Equal(20_000.0, Sessions.Dwell(d, viewed: true, score: 0.5, u: 0.5), 1.0);
        Assert.Equal(20_000 * Math.Exp(1.2816 * 1.5), Sessions.Dwell(d, true, 0.5, 0.9), 20_000 * Math.Exp(1.2816 * 1.5) * 0.001);
        Assert.Equal(1_800_000, Sessions.Dwell(d, true, 1.0, 0.99999));
        Assert.True(Sessions.Dwell(d, true, 1.0, 0.5) > Sessions.Dwell(d, true, 0.0, 0.5));
        // a glance and the seed's model are as before
        Assert.Equal(Sessions.Dwell(false, 0.5, 0.3), Sessions.Dwell(d, false, 0.5, 0.3));
        Assert.Equal(Sessions.Dwell(true, 0.7, 0.3), Sessions.Dwell(null, true, 0.7, 0.3));
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959964)]
    [InlineData(0.9, 1.281552)]
    [InlineData(0.001, -3.090232)]
    public void The_normal_quantile_matches_the_tables(double p, double z) => Assert.Equal(z, Gaussian.Quantile(p), 5);

    [Fact]
    public void Post_appeal_follows_its_authors_quality_and_its_factor_averages_one()
    {
        var c = new CreatorSettings(Enabled: true, QualitySigma: 0.8, AppealSigma: 0.5, OpenWeight: 1, LikeWeight: 1);
        var qualities = Enumerable.Range(0, 400).Select(a => Creators.Quality(c, 7, $"user-{a}")).ToArray();
        Assert.InRange(Math.Sqrt(qualities.Select(q => q * q).Average()), 0.7, 0.9);
        var appeals = qualities.SelectMany((q, a) => Enumerable.Range(0, 20).Select(n => (q, Appeal: Creators.Appeal(c, 7, $"user-{a}/post-{n}", q)!.Value))).ToArray();
        var residual = appeals.Select(x => x.Appeal - x.q).ToArray();
        Assert.InRange(Math.Sqrt(residual.Select(r => r * r).Average()), 0.45, 0.55);
        Assert.InRange(appeals.Average(x => Creators.Factor(c, c.OpenWeight, x.Appeal)), 0.9, 1.1);
        // the same seed gives the same values; off gives none
        Assert.Equal(qualities[3], Creators.Quality(c, 7, "user-3"));
        Assert.Null(Creators.Appeal(CreatorSettings.Off, 7, "user-3/post-1", 0));
        Assert.Equal(1.0, Creators.Factor(CreatorSettings.Off, 1, 2.0));
    }

    [Fact]
    public void Opening_rises_steeply_with_the_match_when_weighted_and_the_seed_formula_is_unchanged()
    {
        var seed = new ReactionSettings();
        foreach (var s in new[] { 0.0, 0.3, 0.7, 1.0 }) Assert.Equal(0.7 * (0.75 + 0.25 * s), Reactions.ViewProbability(seed, s));
        var calibrated = new ReactionSettings(InteractionProbability: 0.1, OpenMatchWeight: 0.7, OpenMatchExponent: 2);
        Assert.Equal(0.1 * (0.3 + 0.7), Reactions.ViewProbability(calibrated, 1.0), 12);
        Assert.Equal(0.1 * 0.3, Reactions.ViewProbability(calibrated, 0.0), 12);
        Assert.True(Reactions.ViewProbability(calibrated, 1.0) / Reactions.ViewProbability(calibrated, 0.2) > 3);
        // the appeal factor counts only with the interest signal on (the control stays a control)
        Assert.Equal(2 * Reactions.ViewProbability(calibrated, 0.5), Reactions.ViewProbability(calibrated, 0.5, 2.0), 12);
        var control = calibrated with { InterestSignal = false };
        Assert.Equal(Reactions.ViewProbability(control, 0.1), Reactions.ViewProbability(control, 0.9, 3.0));
    }

    [Fact]
    public void A_posts_effort_is_the_percentile_of_its_appeal_and_absent_when_creators_are_off()
    {
        var c = new CreatorSettings(Enabled: true, QualitySigma: 0.8, AppealSigma: 0.6);
        Assert.Equal(0.5, Creators.Effort(c, 0.0));
        Assert.Equal(0.8413, Creators.Effort(c, 1.0)!.Value, 3); // one standard deviation (0.8^2 + 0.6^2 = 1)
        Assert.True(Creators.Effort(c, -0.5) < Creators.Effort(c, 0.5));
        Assert.Null(Creators.Effort(CreatorSettings.Off, 1.0));
        Assert.Null(Creators.Effort(c, null));
        Assert.Equal(0.975, Gaussian.Cdf(1.959964), 5);
        Assert.Equal(0.025, Gaussian.Cdf(-1.959964), 5);
    }
}
