using System.Globalization;
using System.Text.Json;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// Issue 27, item 3: <c>afu dataset fidelity</c> on a small seeded run. Every row of fidelity.json equals the same
/// statistic computed here from the SQLite file with plain SQL; the charts are PNGs; --strict fails on today's default
/// profile (far from the targets), a plain run exits 0, a bad flag 2; afu dataset report carries the same rows.
/// </summary>
[Collection("end-to-end")]
public sealed class FidelityEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const string Conf = """
        afu {
          simulation.time-scale = max
          simulation.sim-duration = 2h
          status.interval = 10s
        }
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int Code, string Stdout, string Stderr)> Afu(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var code = await AfuApp.RunAsync(args, stdout, stderr, CancellationToken.None, TestEnv.Isolated());
        output.WriteLine($"afu {string.Join(' ', args.Take(2))}: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Fidelity_rows_equal_plain_sql_over_the_run_and_strict_fails_on_the_default_profile()
    {
        var conf = _dir.File("fidelity.conf");
        await File.WriteAllTextAsync(conf, Conf);
        var data = _dir.File("data");
        var run = await Afu("run", "--users", "60", "--duration", "120s", "--seed", "11", "--llm", "builtin", "--config", conf, "--data-dir", data);
        Assert.True(run.Code == 0, run.Stderr);

        var outDir = _dir.File("fidelity");
        var plain = await Afu("dataset", "fidelity", "--data-dir", data, "--out", outDir);
        output.WriteLine(plain.Stdout);
        Assert.True(plain.Code == 0, plain.Stderr);
        Assert.Contains("opened per shown item", plain.Stdout);
        var pngs = Directory.GetFiles(outDir, "*.png");
        Assert.Equal(2, pngs.Length);
        Assert.All(pngs, p => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(p).Take(4)));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "fidelity.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.Clone());

        AssertEveryRowIsPlainSql(data, rows);

        // --strict: a report that fails (the default profile opens ~24% of what it shows, the target is 1-9%)
        var strict = await Afu("dataset", "fidelity", "--data-dir", data, "--out", outDir, "--strict");
        output.WriteLine(strict.Stderr);
        Assert.Equal(1, strict.Code);
        Assert.Contains("opened_per_shown", strict.Stderr);
        Assert.Equal(2, (await Afu("dataset", "fidelity", "--data-dir", data, "--no-such-flag")).Code);
        Assert.Equal(2, (await Afu("dataset", "report", "--data-dir", data, "--strict")).Code);

        // afu dataset report: the same rows in report.json, the fidelity charts in a folder of their own
        var reportDir = _dir.File("report");
        var report = await Afu("dataset", "report", "--data-dir", data, "--out", reportDir);
        Assert.True(report.Code == 0, report.Stderr);
        Assert.Contains("fidelity to published statistics", report.Stdout);
        using var reportJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reportDir, "report.json")));
        Assert.True(JsonElement.DeepEquals(json.RootElement.GetProperty("rows"), reportJson.RootElement.GetProperty("Fidelity").GetProperty("rows")),
            "report.json's Fidelity rows differ from fidelity.json's");
        Assert.Equal(2, Directory.GetFiles(Path.Combine(reportDir, "fidelity"), "*.png").Length);
    }

    /// <summary>Every row of fidelity.json equals its statistic by plain SQL over the run's afu.db, and passes exactly when it is in range.</summary>
    private static void AssertEveryRowIsPlainSql(string data, Dictionary<string, JsonElement> rows)
    {
        using (var db = new Db(Path.Combine(data, "afu.db")))
            foreach (var (key, (value, n)) in Expected(db))
            {
                var row = rows[key];
                Assert.Equal(n, row.GetProperty("n").GetInt64());
                var got = row.GetProperty("value").GetDouble();
                Assert.True(Math.Abs(got - value) <= 1e-6 * Math.Max(1, Math.Abs(value)), $"{key}: fidelity.json {got}, SQL {value}");
                var (low, high) = (row.GetProperty("target_low").GetDouble(), row.GetProperty("target_high").GetDouble());
                var skewed = key != "items_per_session" || Real(db, $"SELECT AVG(x) FROM ({PerSession})") > value;
                Assert.Equal(value >= low && value <= high && skewed, row.GetProperty("pass").GetBoolean());
                if (row.GetProperty("ci_low").ValueKind == JsonValueKind.Number)
                    Assert.InRange(got, row.GetProperty("ci_low").GetDouble(), row.GetProperty("ci_high").GetDouble());
            }
        Assert.Equal(16, rows.Count);
    }

    /// <summary>
    /// Issue 27: the calibrated profile on a week of a small population (300 users, 7 simulated days, as fast as the
    /// machine allows). Sessions scroll (pages of one session share its session_id, each its own slate), every row still
    /// equals plain SQL, and every row that does not depend on how many posts compete for a slate is within its target:
    /// sessions, positions, dwell, the random share, posting, freshness, opening and liking. The lift over random, the
    /// concentration of opens on posts and hides per like grow with the population (more posts per interest, a stronger
    /// hot list, a random slice of a few hundred rows here): they are held to their targets by the 10,000-user week of
    /// bench/scripts/calibrated-run.sh (README), and here only computed.
    /// </summary>
    [Fact]
    public async Task The_calibrated_profile_meets_the_published_targets_on_a_week_of_a_small_population()
    {
        var data = _dir.File("calibrated");
        var run = await Afu("run", "--profile", "calibrated", "--users", "300", "--time-scale", "max", "--sim-duration", "7d", "--seed", "5", "--llm", "builtin",
            "--data-dir", data);
        Assert.True(run.Code == 0, run.Stderr);
        Assert.Contains("profile calibrated", run.Stdout);
        using (var db = new Db(Path.Combine(data, "afu.db")))
        {
            Assert.True(db.Scalar("SELECT MAX(page) FROM impressions") > 1, "no session scrolled past its first page");
            // a page is a slate of its own; all pages of a session carry its id and one session seq
            Assert.Equal(db.Scalar("SELECT COUNT(DISTINCT slate_id) FROM impressions"), db.Scalar("SELECT COUNT(*) FROM (SELECT DISTINCT session_id, page FROM impressions)"));
            Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM impressions WHERE slate_id NOT LIKE session_id || '/slate-' || page"));
            // a post is shown once per session at most
            Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM (SELECT session_id, post_id FROM impressions GROUP BY session_id, post_id HAVING COUNT(*) > 1)"));
            // ground truth of creators: every post has an appeal
            Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM posts WHERE json_extract(metadata, '$.appeal') IS NULL"));
            // ... and the text's length is an observable trace of it (the writer puts more into an appealing post)
            var posts = db.Rows("SELECT length(content), json_extract(metadata, '$.appeal') FROM posts", r => (Length: (double)r.GetInt64(0), Appeal: r.GetDouble(1)));
            var (ml, ma) = (posts.Average(p => p.Length), posts.Average(p => p.Appeal));
            var corr = posts.Sum(p => (p.Length - ml) * (p.Appeal - ma)) /
                       Math.Sqrt(posts.Sum(p => (p.Length - ml) * (p.Length - ml)) * posts.Sum(p => (p.Appeal - ma) * (p.Appeal - ma)));
            Assert.True(corr > 0.3, $"correlation of post length and appeal {corr:F3} over {posts.Count} posts");
        }
        var outDir = _dir.File("calibrated-fidelity");
        var fidelity = await Afu("dataset", "fidelity", "--data-dir", data, "--out", outDir);
        output.WriteLine(fidelity.Stdout);
        Assert.True(fidelity.Code == 0, fidelity.Stderr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "fidelity.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.Clone());
        AssertEveryRowIsPlainSql(data, rows);
        string[] byPopulation = ["personalised_lift", "item_popularity_gini", "hides_per_like"];
        var failed = rows.Where(r => !byPopulation.Contains(r.Key) && !r.Value.GetProperty("pass").GetBoolean()).Select(r => r.Key).ToList();
        Assert.True(failed.Count == 0, "outside the target: " + string.Join(", ", failed));
        Assert.All(byPopulation, k => Assert.Equal(JsonValueKind.Number, rows[k].GetProperty("value").ValueKind));
    }

    /// <summary>Examined rows per session (sessions with a shown row), as rows of x.</summary>
    private const string PerSession = "SELECT session_id, SUM(examined) AS x FROM impressions GROUP BY session_id";

    private static double Real(Db db, string sql) => db.Rows(sql, r => r.IsDBNull(0) ? double.NaN : r.GetDouble(0)).Single();

    /// <summary>The type-7 quantile (h = (n − 1) p, interpolate between ranks floor h and floor h + 1) of column x of a query.</summary>
    private static double Quantile(Db db, string valuesSql, double p) => Real(db, $"""
        WITH r AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) - 1 AS i, COUNT(*) OVER () AS n FROM ({valuesSql})),
             q AS (SELECT x, i, (n - 1) * {p.ToString(CultureInfo.InvariantCulture)} AS h, CAST((n - 1) * {p.ToString(CultureInfo.InvariantCulture)} AS INTEGER) AS lo FROM r)
        SELECT MAX(CASE WHEN i = lo THEN x END) + (MAX(h) - MAX(lo)) * (COALESCE(MAX(CASE WHEN i = lo + 1 THEN x END), MAX(CASE WHEN i = lo THEN x END)) - MAX(CASE WHEN i = lo THEN x END)) FROM q
        """);

    /// <summary>Gini by its definition: the mean absolute difference over all ordered pairs, over twice the mean.</summary>
    private static double Gini(IReadOnlyList<double> x)
    {
        double diff = 0;
        foreach (var a in x)
        foreach (var b in x)
            diff += Math.Abs(a - b);
        return diff / (2.0 * x.Count * x.Count * x.Average());
    }

    /// <summary>Every row's statistic and denominator, from the tables by plain SQL.</summary>
    private static Dictionary<string, (double Value, long N)> Expected(Db db)
    {
        long Count(string sql) => db.Scalar(sql);
        var shown = Count("SELECT COUNT(*) FROM impressions");
        var opened = Count("SELECT COUNT(*) FROM impressions WHERE viewed = 1");
        var users = Count("SELECT COUNT(*) FROM users");
        var likes = Count("SELECT COUNT(*) FROM impressions WHERE liked = 1");
        const string ctr = "(SELECT AVG(viewed * 1.0) FROM impressions WHERE position = {0})";
        string Ctr(int position) => string.Format(CultureInfo.InvariantCulture, ctr, position);
        const string dwell = "SELECT dwell_ms / 1000.0 AS x FROM impressions WHERE viewed = 1";
        const string postsSql = "SELECT (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id) AS c FROM users u";
        var postsPerUser = db.Rows(postsSql, r => (double)r.GetInt64(0));
        var top = (int)((users + 9) / 10);
        const string lastEvent = """
            (SELECT MAX(t) FROM (SELECT MAX(julianday(created_at)) AS t FROM users UNION ALL SELECT MAX(julianday(created_at)) FROM posts
             UNION ALL SELECT MAX(julianday(created_at)) FROM user_interactions UNION ALL SELECT MAX(julianday(created_at)) FROM follows
             UNION ALL SELECT MAX(julianday(shown_at)) FROM impressions))
            """;
        return new()
        {
            ["opened_per_shown"] = ((double)opened / shown, shown),
            ["ctr_pos1_over_pos2"] = (Real(db, $"SELECT {Ctr(1)} / {Ctr(2)}"), Count("SELECT COUNT(*) FROM impressions WHERE position = 2")),
            ["ctr_pos1_over_pos10"] = (Real(db, $"SELECT {Ctr(1)} / {Ctr(10)}"), Count("SELECT COUNT(*) FROM impressions WHERE position = 10")),
            ["personalised_lift"] = (Real(db, "SELECT AVG(CASE WHEN is_random = 0 THEN viewed * 1.0 END) / AVG(CASE WHEN is_random = 1 THEN viewed * 1.0 END) FROM impressions"),
                Count("SELECT COUNT(*) FROM impressions WHERE is_random = 1")),
            ["random_share"] = (Real(db, "SELECT AVG(is_random * 1.0) FROM impressions"), shown),
            ["items_per_session"] = (Quantile(db, PerSession, 0.5), Count("SELECT COUNT(DISTINCT session_id) FROM impressions")),
            ["dwell_median_s"] = (Quantile(db, dwell, 0.5), opened),
            ["dwell_p90_s"] = (Quantile(db, dwell, 0.9), opened),
            ["dwell_mean_s"] = (Real(db, $"SELECT AVG(x) FROM ({dwell})"), opened),
            ["likes_per_open"] = (Real(db, "SELECT SUM(liked * viewed) * 1.0 / SUM(viewed) FROM impressions"), opened),
            ["hides_per_like"] = (Real(db, "SELECT SUM(hid) * 1.0 / SUM(liked) FROM impressions"), likes),
            ["item_popularity_gini"] = (Gini(db.Rows("SELECT SUM(viewed) FROM impressions GROUP BY post_id", r => (double)r.GetInt64(0))),
                Count("SELECT COUNT(DISTINCT post_id) FROM impressions")),
            ["user_activity_gini"] = (Gini(postsPerUser), users),
            ["top10_authors_share"] = (Real(db, $"SELECT (SELECT SUM(c) * 1.0 FROM (SELECT c FROM ({postsSql}) ORDER BY c DESC LIMIT {top})) / (SELECT SUM(c) FROM ({postsSql}))"), users),
            ["posts_per_user_month"] = (Quantile(db,
                $"SELECT (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id) * 30.0 / MAX(1.0, {lastEvent} - julianday(u.created_at)) AS x FROM users u", 0.5), users),
            ["freshness_2d"] = (Real(db, "SELECT AVG(CASE WHEN julianday(i.shown_at) - julianday(p.created_at) <= 2 THEN 1.0 ELSE 0 END) FROM impressions i JOIN posts p ON p.id = i.post_id"),
                Count("SELECT COUNT(*) FROM impressions i JOIN posts p ON p.id = i.post_id")),
        };
    }
}
