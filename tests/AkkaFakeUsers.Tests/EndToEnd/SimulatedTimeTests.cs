using System.Text;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>The simulation clock: reproducible as fast as it can, honest when the machine cannot keep up, the same data at any speed.</summary>
[Collection("end-to-end")]
public class SimulatedTimeTests(ITestOutputHelper output)
{
    private const string Start = "2026-03-02T00:00:00Z";

    private async Task<(Db Db, string Out)> Run(TempDir dir, string[] args, params (string, string)[] env)
    {
        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--seed", "11", "--llm", "builtin", "--data-dir", dir.Path, .. args], stdout, stdout, CancellationToken.None,
            TestEnv.Isolated([("AFU__SIMULATION__START", Start), .. env]));
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);
        return (new Db(Path.Combine(dir.Path, "afu.db")), stdout.ToString());
    }

    [Fact]
    public async Task Time_scale_max_twice_with_the_same_seed_gives_identical_tables_row_for_row()
    {
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        string[] args = ["--users", "20", "--time-scale", "max", "--sim-duration", "1h", "--duration", "120s"];
        var (a, outA) = await Run(d1, args);
        var (b, _) = await Run(d2, args);
        using (a)
        using (b)
        {
            Assert.Contains("simulated         01:00:00 (2026-03-02 00:00:00 to 2026-03-02 01:00:00), time-scale max", outA);
            var (ta, tb) = (a.TrainingRows(), b.TrainingRows());
            Assert.True(ta["posts"].Count > 500 && ta["impressions"].Count > 2000 && ta["user_interactions"].Count > 1000 && ta["follows"].Count > 5,
                string.Join(", ", ta.Select(t => $"{t.Key} {t.Value.Count}")));
            Db.AssertSameRows(ta, tb, "first run", "second run");
            // the run covered exactly the simulated hour: nothing stamped after its end
            Assert.Equal(0, a.Scalar("SELECT COUNT(*) FROM posts WHERE created_at > '2026-03-02T01:00:00.000Z'"));
        }
    }

    [Fact]
    public async Task A_restarted_run_carries_on_after_the_newest_post_in_the_store_instead_of_stamping_new_data_before_it()
    {
        using var dir = new TempDir();
        string[] args = ["--users", "10", "--time-scale", "max", "--sim-duration", "1h", "--duration", "90s"];
        string newest;
        long first;
        var (a, _) = await Run(dir, args);
        using (a)
        {
            newest = a.Strings("SELECT MAX(created_at) FROM posts").Single();
            first = a.Scalar("SELECT COUNT(*) FROM posts");
        }
        Assert.True(string.CompareOrdinal(newest, "2026-03-02T01:00:00.000Z") <= 0, newest); // within the first simulated hour
        Assert.True(first > 50, $"{first} posts");

        // the same start configured again: the second run starts after the first one's newest post, not at 00:00 again
        var (b, outB) = await Run(dir, args);
        using (b)
        {
            Assert.Contains($"simulated time carries on from the newest post in the store, {newest[..10]} {newest[11..19]} UTC", outB);
            Assert.Equal(first, b.Scalar($"SELECT COUNT(*) FROM posts WHERE created_at <= '{newest}'"));
            Assert.True(b.Scalar("SELECT COUNT(*) FROM posts WHERE created_at > '2026-03-02T01:00:00.000Z'") > 50);
            Assert.Equal(0, b.Scalar($"SELECT COUNT(*) FROM user_interactions WHERE created_at < '{newest}' AND post_id IN " +
                                     $"(SELECT id FROM posts WHERE created_at > '{newest}')"));
        }
    }

    [Fact]
    public async Task A_run_that_cannot_keep_up_says_so_in_the_status_line_within_seconds_with_the_effective_scale()
    {
        using var dir = new TempDir();
        // 300 users posting every 60 s and opening a session every 2 min, at 20,000x: ~150,000 actions a second asked of a 2-core machine
        var (db, text) = await Run(dir, ["--users", "300", "--time-scale", "20000", "--duration", "14s"]);
        using (db)
        {
            var lines = text.Split('\n');
            var status = lines.Where(l => l.StartsWith("[00:00:", StringComparison.Ordinal)).ToList();
            // the status line is printed every 5 s when not on a terminal: the first one after the users started already says it
            // (the effective scale is measured over at least a second: a line printed in the first second shows it as "?")
            // (held by due work not done, by due work done too late, or by the LLM queue: each says the node is behind)
            var held = status.FirstOrDefault(l => (l.Contains("held by due work") || l.Contains("held by LLM queue")) && !l.Contains("effective ?"));
            Assert.True(held is not null, "no status line says what holds the clock:\n" + string.Join('\n', status));
            Assert.Matches(@"sim \S+ x20,000 \(effective x[\d,.]+, held by ", held);
            var seconds = int.Parse(held![7..9]);
            Assert.True(seconds <= 11, $"first said at {seconds} s: {held}");
            var effective = double.Parse(System.Text.RegularExpressions.Regex.Match(held, @"effective x([\d,.]+)").Groups[1].Value.Replace(",", ""),
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(effective < 20_000 * 0.8, held);
            // and the summary says how much simulated time the run covered, at what average pace
            var summary = lines.Single(l => l.TrimStart().StartsWith("simulated ", StringComparison.Ordinal));
            Assert.Matches(@"time-scale x20,000, on average x[\d,]+", summary);
        }
    }

    /// <summary>What the issue compares: views per post, likes per view, comments per post, follows per user, and each hour's share of posts.</summary>
    private sealed record Shape(long Users, long Posts, double ViewsPerPost, double LikesPerView, double CommentsPerPost, double FollowsPerUser, Dictionary<string, double> Hourly)
    {
        public override string ToString() =>
            $"posts {Posts}, views/post {ViewsPerPost:F3}, likes/view {LikesPerView:F3}, comments/post {CommentsPerPost:F3}, follows/user {FollowsPerUser:F3}, " +
            "hours " + string.Join(" ", Hourly.OrderBy(h => h.Key).Select(h => $"{h.Key}:{h.Value:F3}"));
    }

    private static Shape ShapeOf(Db db)
    {
        long Count(string type) => db.Scalar($"SELECT COUNT(*) FROM user_interactions WHERE type = '{type}'");
        var posts = db.Scalar("SELECT COUNT(*) FROM posts");
        var hours = db.Rows("SELECT substr(created_at, 12, 2), COUNT(*) FROM posts GROUP BY 1", r => (r.GetString(0), r.GetInt64(1)));
        return new Shape(db.Scalar("SELECT COUNT(*) FROM users"), posts, Count("view") / (double)posts, Count("like") / (double)Count("view"), Count("comment") / (double)posts,
            db.Scalar("SELECT COUNT(*) FROM follows") / (double)db.Scalar("SELECT COUNT(*) FROM users"),
            hours.ToDictionary(h => h.Item1, h => h.Item2 / (double)posts));
    }

    private static void Agree(Shape baseline, Shape other, string what)
    {
        void Within(double a, double b, string name) =>
            Assert.True(Math.Abs(a - b) <= 0.05 * a, $"{what}: {name} {b:F4} against {a:F4} ({100 * (b - a) / a:+0.0;-0.0}%)\n{baseline}\n{other}");
        Within(baseline.ViewsPerPost, other.ViewsPerPost, "views per post");
        Within(baseline.LikesPerView, other.LikesPerView, "likes per view");
        Within(baseline.CommentsPerPost, other.CommentsPerPost, "comments per post");
        // follows are the one small count here (~160 for 40 users in 4 hours; ~8,000 for the 2,000 users of docs/simulation.md in four
        // days, which agree within 5%): here within 5% or three standard errors of a count that size, whichever is wider
        var follows = baseline.FollowsPerUser * baseline.Users;
        var tolerance = Math.Max(0.05, 3 / Math.Sqrt(Math.Max(1, follows)));
        Assert.True(Math.Abs(baseline.FollowsPerUser - other.FollowsPerUser) <= tolerance * baseline.FollowsPerUser,
            $"{what}: follows per user {other.FollowsPerUser:F3} against {baseline.FollowsPerUser:F3} (tolerance {100 * tolerance:F1}%)\n{baseline}\n{other}");
        foreach (var (hour, share) in baseline.Hourly.Where(h => h.Value >= 0.05))
            Within(share, other.Hourly.GetValueOrDefault(hour), $"share of posts in hour {hour}");
    }

    [Fact]
    public async Task The_same_population_makes_the_same_data_kept_up_with_far_overloaded_and_as_fast_as_it_can()
    {
        // 40 users over four simulated hours of the daily curve (06:00-10:00). Kept up with: x240 (~1 minute). Overloaded:
        // x10,000 asks for ~40 times what this machine does, the ratio of the issue's 2,000 users at x720.
        (string, string)[] env = [("AFU__BEHAVIOUR__DAILY_CURVE__ENABLED", "on"), ("AFU__SIMULATION__START", "2026-03-02T06:00:00Z")];
        string[] common = ["--users", "40", "--sim-duration", "4h", "--duration", "240s"];
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        using var d3 = new TempDir();
        var (kept, keptOut) = await Run(d1, [.. common, "--time-scale", "240"], env);
        var (over, overOut) = await Run(d2, [.. common, "--time-scale", "10000"], env);
        var (max, _) = await Run(d3, [.. common, "--time-scale", "max"], env);
        using (kept)
        using (over)
        using (max)
        {
            foreach (var text in new[] { keptOut, overOut })
                Assert.Contains("simulated         04:00:00 (2026-03-02 06:00:00 to 2026-03-02 10:00:00)", text);
            // the overloaded run was held, and said so
            Assert.Contains("held by due work", overOut);
            var (k, o, m) = (ShapeOf(kept), ShapeOf(over), ShapeOf(max));
            output.WriteLine($"x240:    {k}\nx10,000: {o}\nmax:     {m}");
            Assert.True(k.Posts > 5000 && k.Hourly.Count >= 4, k.ToString());
            Agree(k, o, "x10,000 against x240");
            Agree(k, m, "max against x240");
        }
    }
}
