using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// Position bias is in the data because users examine slates top-down: with the default (cascade) examination the
/// click-through rate falls over positions 1-5; with examination set flat it does not (the control). Both runs rank
/// with the random policy, so a post's chance of being good is the same at every position and only examination differs.
/// </summary>
[Collection("end-to-end")]
public class PositionBiasTests(ITestOutputHelper output)
{
    private async Task<List<(int Position, long Shown, long Opened)>> CtrByPosition(string examination)
    {
        using var dir = new TempDir();
        var code = await AfuApp.RunAsync(["run", "--users", "60", "--duration", "15s", "--seed", "5", "--time-scale", "600", "--llm", "builtin", "--feed-policy", "random",
                "--data-dir", dir.Path],
            new StringWriter(), new StringWriter(), CancellationToken.None,
            TestEnv.Isolated(("AFU__SESSIONS__EXAMINATION", examination), ("AFU__SESSIONS__INTERVAL", "60s"), ("AFU__POSTING__INTERVAL", "5m")));
        Assert.Equal(0, code);
        using var db = new Db(Path.Combine(dir.Path, "afu.db"));
        var rows = db.Rows("SELECT position, COUNT(*), SUM(viewed) FROM impressions GROUP BY position ORDER BY position", r => (r.GetInt32(0), r.GetInt64(1), r.GetInt64(2)));
        foreach (var (p, n, v) in rows) output.WriteLine($"{examination} position {p}: CTR {(double)v / n:F4} of {n}");
        return rows;
    }

    private static (double Rate, double Se) Ctr((int, long Shown, long Opened) row)
    {
        var p = (double)row.Opened / row.Shown;
        return (p, Math.Sqrt(p * (1 - p) / row.Shown));
    }

    [Fact]
    public async Task Ctr_falls_over_positions_1_to_5_with_cascade_examination_and_is_flat_with_flat_examination()
    {
        var cascade = await CtrByPosition("cascade");
        Assert.True(cascade.Count >= 5 && cascade.Take(5).All(r => r.Shown >= 1500), $"too few impressions: {string.Join(", ", cascade.Select(r => r.Shown))}");
        for (var k = 1; k < 5; k++)
        {
            var (above, seA) = Ctr(cascade[k - 1]);
            var (below, seB) = Ctr(cascade[k]);
            Assert.True(above - below > 2 * Math.Sqrt(seA * seA + seB * seB), $"cascade: CTR at {k} {above:F4} vs {k + 1} {below:F4}");
        }

        var flat = await CtrByPosition("flat");
        var all = flat.Sum(r => r.Opened) / (double)flat.Sum(r => r.Shown);
        foreach (var row in flat)
        {
            var (rate, se) = Ctr(row);
            Assert.True(Math.Abs(rate - all) < 4 * se, $"flat: CTR at {row.Position} {rate:F4} vs {all:F4} overall (se {se:F4})");
        }
        var (first, se1) = Ctr(flat[0]);
        var (fifth, se5) = Ctr(flat[4]);
        Assert.True(Math.Abs(first - fifth) < 4 * Math.Sqrt(se1 * se1 + se5 * se5), $"flat: CTR at 1 {first:F4} vs 5 {fifth:F4}");
    }
}
