using System.Text.Json;
using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// Issue #6: a seeded run of tens of thousands of events (150 users, two simulated days in 40 s) has the statistical
/// properties of a real population, and a recommender trained on it beats random and most-popular; with the interest
/// signal off it cannot (AUC about 0.5), so the signal comes from the simulated interests.
/// </summary>
[Collection("end-to-end")]
public class RealismTests(ITestOutputHelper output)
{
    // 2 simulated days as fast as the machine allows (the clock never outruns the machine, so a fixed real duration at
    // a time-scale would cover less on a slower one); each user posts every 2 h on average (before its heavy-tailed
    // factor and the daily curve).
    private const string Conf = """
        afu {
          posting.interval = 2h
          sessions.interval = 30m
          simulation.time-scale = max
          simulation.sim-duration = 2d
          status.interval = 10s
        }
        """;

    private async Task<(string DataDir, string ConfPath)> RunAsync(TempDir dir, params (string, string)[] env)
    {
        var conf = Path.Combine(dir.Path, "realism.conf");
        await File.WriteAllTextAsync(conf, Conf);
        var data = Path.Combine(dir.Path, "data");
        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--users", "150", "--duration", "300s", "--seed", "7", "--llm", "builtin", "--config", conf, "--data-dir", data],
            stdout, new StringWriter(), CancellationToken.None, TestEnv.Isolated([(TestEnv.DailyCurve, "on"), .. env]));
        output.WriteLine(stdout.ToString().Split("afu: summary")[^1]);
        Assert.Equal(0, code);
        return (data, conf);
    }

    private static async Task<DatasetTables> ReadAsync(string dataDir) =>
        await DatasetTables.ReadAsync(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(Path.Combine(dataDir, "afu.db"))));

    [Fact]
    public async Task A_seeded_run_behaves_like_a_real_population_and_trains_a_recommender()
    {
        using var dir = new TempDir();
        var (data, conf) = await RunAsync(dir);

        // afu dataset report: table, report.json, PNG charts
        var outDir = Path.Combine(dir.Path, "report");
        var stdout = new StringWriter();
        Assert.Equal(0, await AfuApp.RunAsync(["dataset", "report", "--data-dir", data, "--config", conf, "--out", outDir], stdout, new StringWriter(), CancellationToken.None, TestEnv.Isolated()));
        output.WriteLine(stdout.ToString());
        Assert.Contains("like rate by interest match", stdout.ToString());
        var pngs = Directory.GetFiles(outDir, "*.png");
        Assert.Equal(7, pngs.Length);
        Assert.All(pngs, p => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(p).Take(4)));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "report.json")));
        var r = json.RootElement;

        var t = await ReadAsync(data);
        Assert.True(t.Interactions.Count >= 5000, $"{t.Interactions.Count} interactions: too few for statistics");

        // like rate at match >= 0.7 at least 3x the rate below 0.2
        var high = r.GetProperty("LikeRateMatchHigh").GetDouble();
        var low = r.GetProperty("LikeRateMatchLow").GetDouble();
        Assert.True(high >= 3 * low && high > 0, $"like rate {high:F3} at match >= 0.7 vs {low:F3} below 0.2");

        // views > likes > comments, likes and comments within 20% of what the configured probabilities give for these views
        var f = r.GetProperty("Funnel");
        long views = f.GetProperty("Views").GetInt64(), likes = f.GetProperty("Likes").GetInt64(), comments = f.GetProperty("Comments").GetInt64();
        Assert.True(views > likes && likes > comments && comments > 0, $"views {views}, likes {likes}, comments {comments}");
        Assert.InRange(likes, 0.8 * f.GetProperty("ExpectedLikes").GetDouble(), 1.2 * f.GetProperty("ExpectedLikes").GetDouble());
        Assert.InRange(comments, 0.8 * f.GetProperty("ExpectedComments").GetDouble(), 1.2 * f.GetProperty("ExpectedComments").GetDouble());

        // comment diversity is computed from the comments' texts (it was a constant 0): the report's figure equals
        // distinct-2 over the comment texts in the table, and comments of the built-in writer are not all alike
        var commentTexts = t.Interactions.Where(i => i.Type == "comment").Select(i => i.Content!).ToList();
        var commentDistinct2 = r.GetProperty("Text").GetProperty("CommentDistinct2").GetDouble();
        Assert.Equal(Math.Round(AkkaFakeUsers.Domain.ContentRules.DistinctN(commentTexts, 2), 4), commentDistinct2, 4);
        Assert.True(commentDistinct2 > 0.05, $"comment distinct-2 {commentDistinct2}");
        Assert.Contains("comment distinct-2", stdout.ToString());

        // heavy-tailed activity, daily curve
        var gini = r.GetProperty("Activity").GetProperty("PostsGini").GetDouble();
        Assert.True(gini >= 0.4, $"posts per user Gini {gini:F3}");
        var corr = r.GetProperty("Hours").GetProperty("Correlation").GetDouble();
        Assert.True(corr >= 0.8, $"posts by hour vs configured curve: correlation {corr:F3}");

        // follow edges share an interest far more than random pairs; followed authors' posts reach followers
        var fo = r.GetProperty("Follows");
        Assert.True(fo.GetProperty("Edges").GetInt64() >= 50, $"{fo.GetProperty("Edges").GetInt64()} follow edges");
        var shared = fo.GetProperty("SharedInterestEdges").GetDouble();
        var random = fo.GetProperty("SharedInterestRandomPairs").GetDouble();
        Assert.True(shared >= random + 0.2, $"edges sharing an interest {shared:F3} vs random pairs {random:F3}");
        Assert.True(fo.GetProperty("FollowedAuthorViews").GetInt64() > 0);

        // threads: replies to comments, and replies to replies
        var depths = r.GetProperty("CommentsByDepth");
        Assert.True(depths.GetProperty("2").GetInt64() > 0 && depths.GetProperty("3").GetInt64() > 0, depths.ToString());
        // trends: trending posts exist; new users joined (two simulated days at 5%/day of 150)
        Assert.Contains(t.Posts, p => p.Trending);
        Assert.True(t.Users.Count > 150, $"{t.Users.Count} users: nobody joined");
        // text: on topic and unique
        Assert.True(r.GetProperty("Text").GetProperty("ClassifierAgreement").GetDouble() >= 0.9);
        Assert.Equal(0, r.GetProperty("Text").GetProperty("DuplicateRate").GetDouble());

        // impressions: CTR falls over positions 1-5 (cascade examination), the policy mix and the random share as configured,
        // hides likelier the worse the match
        var imp = r.GetProperty("Impressions");
        var ctr = imp.GetProperty("ByPosition").EnumerateArray().Select(p => p.GetProperty("Ctr").GetDouble()).ToList();
        Assert.True(ctr.Count >= 5 && ctr.Take(4).Select((c, k) => c > ctr[k + 1]).All(x => x), $"CTR by position {string.Join(", ", ctr)}");
        var shares = imp.GetProperty("Policies").EnumerateArray().ToDictionary(p => p.GetProperty("Policy").GetString()!, p => p.GetProperty("Share").GetDouble());
        Assert.InRange(shares["interest"] / (shares["interest"] + shares["popular"]), 0.7, 0.9);
        Assert.InRange(imp.GetProperty("RandomShare").GetDouble(), 0.01, 0.035);
        var hide = imp.GetProperty("HideRateByMatch").EnumerateArray().Where(h => h.GetProperty("NotOpened").GetInt64() >= 200).Select(h => h.GetProperty("HideRate").GetDouble()).ToList();
        Assert.True(hide.Count >= 2 && hide[0] > hide[^1], $"hide rate by match {string.Join(", ", hide)}");

        // afu dataset evaluate: the model learns the likes; the baselines do not
        stdout = new StringWriter();
        var evalDir = Path.Combine(dir.Path, "eval");
        Assert.Equal(0, await AfuApp.RunAsync(["dataset", "evaluate", "--data-dir", data, "--out", evalDir], stdout, new StringWriter(), CancellationToken.None, TestEnv.Isolated()));
        output.WriteLine(stdout.ToString());
        var e = JsonSerializer.Deserialize<EvaluationResult>(await File.ReadAllTextAsync(Path.Combine(evalDir, "evaluate.json")))!;
        Assert.True(e.Model.Auc >= 0.75, $"model AUC {e.Model.Auc:F3}");
        Assert.InRange(e.Random.Auc, 0.4, 0.6);
        Assert.True(e.MostPopular.Auc < e.Model.Auc - 0.1, $"most-popular AUC {e.MostPopular.Auc:F3} vs model {e.Model.Auc:F3}");
        Assert.True(e.Model.RecallAt10 > e.Random.RecallAt10, $"recall@10 model {e.Model.RecallAt10:F3} vs random {e.Random.RecallAt10:F3}");

        // ... and on the impression log (negatives: shown, not engaged), held out by time
        var im = e.Impressions!;
        Assert.True(im.TestRows >= 5000, $"{im.TestRows} test impressions");
        Assert.True(im.Model.Auc >= im.Random.Auc + 0.15 && im.Model.Auc > im.MostPopular.Auc + 0.05,
            $"impression model AUC {im.Model.Auc:F3} vs random {im.Random.Auc:F3}, most-popular {im.MostPopular.Auc:F3}");
        Assert.True(im.Model.NdcgAt10 > im.Random.NdcgAt10, $"nDCG@10 model {im.Model.NdcgAt10:F3} vs random {im.Random.NdcgAt10:F3}");
    }

    [Fact]
    public async Task With_the_interest_signal_off_the_model_learns_nothing()
    {
        using var dir = new TempDir();
        var (data, _) = await RunAsync(dir, ("AFU__REACTIONS__INTEREST_SIGNAL", "off"));
        var e = LikeEvaluator.Evaluate(await ReadAsync(data));
        output.WriteLine(e.ToText());
        Assert.True(e.TestRows >= 1000, $"{e.TestRows} test views");
        Assert.InRange(e.Model.Auc, 0.4, 0.6);
        // the impression model: near 0.5 once the position bias of unexamined negatives is left out
        var im = ImpressionEvaluator.Evaluate(await ReadAsync(data));
        output.WriteLine(im.ToText());
        Assert.True(im.ExaminedTestRows >= 1000, $"{im.ExaminedTestRows} examined test impressions");
        Assert.InRange(im.ModelAucExamined, 0.4, 0.6);
    }

    [Fact]
    public async Task Dataset_commands_refuse_bad_input_clearly()
    {
        using var dir = new TempDir();
        var err = new StringWriter();
        Assert.Equal(2, await AfuApp.RunAsync(["dataset"], new StringWriter(), err, CancellationToken.None, TestEnv.Isolated()));
        Assert.Contains("report, evaluate", err.ToString());
        err = new StringWriter();
        Assert.Equal(2, await AfuApp.RunAsync(["dataset", "summarise"], new StringWriter(), err, CancellationToken.None, TestEnv.Isolated()));
        Assert.Contains("unknown dataset command 'summarise'", err.ToString());
        err = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["dataset", "report", "--data-dir", Path.Combine(dir.Path, "nothing")], new StringWriter(), err, CancellationToken.None, TestEnv.Isolated()));
        Assert.Contains("run `afu run` first", err.ToString());

        // a row whose metadata is not JSON: exit 1 naming the table and the row, no stack trace
        var data = Path.Combine(dir.Path, "data");
        Assert.Equal(0, await AfuApp.RunAsync(["run", "--users", "3", "--duration", "3s", "--seed", "5", "--time-scale", "30", "--llm", "builtin", "--data-dir", data],
            new StringWriter(), new StringWriter(), CancellationToken.None, TestEnv.Isolated()));
        using (var db = new Db(Path.Combine(data, "afu.db")))
            db.Scalar("UPDATE users SET created_at = 'not a time' WHERE id = 'user-2' RETURNING 1");
        err = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["dataset", "report", "--data-dir", data, "--out", Path.Combine(dir.Path, "r")], new StringWriter(), err, CancellationToken.None, TestEnv.Isolated()));
        Assert.Contains("table users, row user-2", err.ToString());
        Assert.DoesNotContain("   at ", err.ToString());
    }
}
