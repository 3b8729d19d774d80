using System.Text.Json;
using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>Every fidelity row on a hand-made table whose answers are worked out below, and on empty tables.</summary>
public class FidelityReportTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    // position p (1-10) was opened in sessions 0 .. Opened[p-1]-1: CTR 0.8 at 1, 0.4 at 2, 0.1 at 10; 27 opens in all
    private static readonly int[] Opened = [8, 4, 3, 3, 2, 2, 2, 1, 1, 1];

    // session s examined its first Examined[s] slots: median 9, mean 8.5 (left-skewed)
    private static readonly int[] Examined = [2, 9, 9, 9, 9, 9, 9, 9, 10, 10];

    /// <summary>
    /// 10 users (user-1 wrote 8 posts, user-2 2, the rest none), 10 sessions of one 10-slot slate each, session s shown at
    /// T0 + s/2 days (so sessions 0-4 fall within 2 days of the posts, all written at T0); session 0 is the random share.
    /// The k-th opened row (1-27) dwelt k seconds; the first 3 opened rows were liked; one unopened row was hidden.
    /// </summary>
    private static DatasetTables Table()
    {
        var users = Enumerable.Range(1, 10).Select(u => new DsUser($"user-{u}", ["tech"], T0)).ToList();
        var posts = Enumerable.Range(1, 10).Select(p => new DsPost($"post-{p}", p <= 8 ? "user-1" : "user-2", "tech", "x", T0, "text", "builtin", false)).ToList();
        var impressions = new List<DsImpression>();
        var opens = 0;
        for (var s = 0; s < 10; s++)
        for (var p = 1; p <= 10; p++)
        {
            var viewed = s < Opened[p - 1];
            if (viewed) opens++;
            impressions.Add(new DsImpression($"s{s}#{p}", $"s{s}", "user-3", $"post-{p}", p, s == 0 ? "random" : "interest", 0, 0.1, 10, s == 0,
                T0.AddDays(s / 2.0), p <= Examined[s], viewed, viewed ? opens * 1000 : 0, viewed && opens <= 3, false, s == 9 && p == 10 && !viewed, 0.5)
                { SessionId = $"session-{s}" });
        }
        return new DatasetTables(users, posts, [], [], impressions);
    }

    private static FidelityRow Row(FidelityReport r, string key) => r.Rows.Single(x => x.Key == key);

    [Fact]
    public void Every_row_has_the_value_worked_out_by_hand()
    {
        var r = FidelityReport.Compute(Table());
        void Is(string key, double value, long n, bool pass)
        {
            var row = Row(r, key);
            Assert.True(row.Value is { } v && Math.Abs(v - value) < 1e-6, $"{key}: {row.Value} (expected {value})");
            Assert.Equal(n, row.N);
            Assert.True(pass == row.Pass, $"{key}: pass {row.Pass}");
        }
        Is(FidelityTargets.OpenedPerShown, 0.27, 100, false);
        Is(FidelityTargets.CtrPos1OverPos2, 2.0, 10, true); // the target's high end is in range
        Is(FidelityTargets.CtrPos1OverPos10, 8.0, 10, true);
        Is(FidelityTargets.PersonalisedLift, 17.0 / 90 / 1.0, 10, false); // session 0 opened every slot
        Is(FidelityTargets.RandomShare, 0.1, 100, false);
        Is(FidelityTargets.ItemsPerSession, 9, 10, false); // median in range, but mean 8.5 < median: not right-skewed
        Assert.Contains("mean 8.5, p90 10", Row(r, FidelityTargets.ItemsPerSession).Detail);
        Is(FidelityTargets.DwellMedian, 14, 27, false);
        Is(FidelityTargets.DwellP90, 24.4, 27, false); // h = 26·0.9 = 23.4: 24 + 0.4
        Is(FidelityTargets.DwellMean, 14, 27, false);
        Is(FidelityTargets.LikesPerOpen, 3.0 / 27, 27, false);
        Is(FidelityTargets.HidesPerLike, 1.0 / 3, 3, false);
        Is(FidelityTargets.ItemPopularityGini, 2 * 197.0 / 270 - 1.1, 10, false); // sorted opens 1,1,1,2,2,2,3,3,4,8: Σ i·x = 197
        Is(FidelityTargets.UserActivityGini, 0.86, 10, false); // sorted posts 0×8, 2, 8: 2·(9·2 + 10·8) / (10·10) − 11/10
        Is(FidelityTargets.TopAuthorsShare, 0.8, 10, true);
        Is(FidelityTargets.PostsPerUserMonth, 0, 10, false); // 8 of 10 users never posted
        Is(FidelityTargets.Freshness, 0.5, 100, false); // sessions at 0, 0.5, 1, 1.5 and 2 days

        // intervals: Wilson for rates, bracketing the value
        var open = Row(r, FidelityTargets.OpenedPerShown);
        Assert.Equal(Stats.Wilson(27, 100)!.Value.Low, open.CiLow!.Value, 6);
        Assert.All(r.Rows.Where(x => x.CiLow is not null), x => Assert.InRange(x.Value!.Value, x.CiLow!.Value, x.CiHigh!.Value));
        Assert.Null(Row(r, FidelityTargets.DwellMedian).CiLow);
    }

    [Fact]
    public void The_ctr_curve_carries_the_target_band_from_position_1s_ctr_and_the_dwell_bins_sum_to_one()
    {
        var r = FidelityReport.Compute(Table());
        var at2 = r.CtrByPosition.Single(p => p.Position == 2);
        Assert.Equal(0.4, at2.Ctr, 9);
        Assert.Equal(0.8 / 2.0, at2.TargetLow!.Value, 6);
        Assert.Equal(0.8 / 1.3, at2.TargetHigh!.Value, 6);
        Assert.Equal(27, r.Dwell.Sum(b => b.Count));
        Assert.Equal(1.0, r.Dwell.Sum(b => b.Share), 5);
        Assert.Equal(1.0, r.Dwell.Sum(b => b.TargetShare), 5);
        // dwell 1 .. 27 s: [1, 2) holds 1, [2, 5) 3, [5, 10) 5, [10, 20) 10, [20, 50) 8
        Assert.Equal([0L, 1, 3, 5, 10, 8, 0], r.Dwell.Take(7).Select(b => b.Count));
    }

    [Fact]
    public void Empty_tables_give_n_a_rows_that_all_fail()
    {
        var r = FidelityReport.Compute(new DatasetTables([], [], [], [], []));
        Assert.Equal(FidelityTargets.All.Select(t => t.Key), r.Rows.Select(x => x.Key));
        Assert.All(r.Rows, x =>
        {
            Assert.Null(x.Value);
            Assert.False(x.Pass);
            Assert.Equal(0, x.N);
            Assert.StartsWith("n/a", x.Detail);
        });
        Assert.Equal(r.Rows.Count, r.Failed.Count);
        Assert.Contains("n/a", r.ToText());
        JsonSerializer.Serialize(r); // no NaN reaches the JSON
    }

    [Fact]
    public void The_json_rows_have_the_machine_readable_fields_and_every_target_a_source()
    {
        var json = JsonDocument.Parse(JsonSerializer.Serialize(FidelityReport.Compute(Table()))).RootElement;
        var row = json.GetProperty("rows")[0];
        foreach (var field in new[] { "key", "name", "unit", "target_low", "target_high", "value", "ci_low", "ci_high", "n", "pass", "source" })
            Assert.True(row.TryGetProperty(field, out _), $"no {field} in {row}");
        Assert.Equal(FidelityTargets.All.Count, FidelityTargets.All.Select(t => t.Key).Distinct().Count());
        Assert.All(FidelityTargets.All, t =>
        {
            Assert.True(t.Low < t.High, t.Key);
            Assert.False(string.IsNullOrWhiteSpace(t.Source), t.Key);
            Assert.False(string.IsNullOrWhiteSpace(t.Definition), t.Key);
        });
    }
}
