using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Dataset;

/// <summary>
/// Issue 29, item 3: <c>afu dataset evaluate --truth DIR</c> on tiny stores. The logged run shows every user a slate at 1h
/// and one at 3h under <c>interest</c>, logging <c>popular</c> as shadow policy; the fork holds the logged run's first
/// slates as they were (its shared past) and from 3h on slates of its own under <c>popular</c>. The fork's truth is its
/// slates from its first one of its own; every figure then counts from that instant.
/// </summary>
public sealed class TruthRunTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JournalEvent Slate(long ordering, int user, int session, DateTime at, string policy, params (int Post, bool Viewed, bool Liked)[] items) =>
        new(ordering, new SlateShown($"user-{user}/session-{session}/slate-1", $"user-{user}/session-{session}", session, $"user-{user}", policy, 20, false, at,
            items.Select((x, p) => new Impression(PostIds.For("user-99", x.Post), "user-99", p + 1, 0, 0.5, 0.5, true, x.Viewed, 0, x.Liked, false, false,
                new Dictionary<string, double> { ["popular"] = 0.25 }, 0.5, new Dictionary<string, double> { ["popular"] = 0.25 })).ToArray()));

    private async Task<string> Store(string name, IEnumerable<JournalEvent> events)
    {
        var dir = _dir.File(name);
        Directory.CreateDirectory(dir);
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(Path.Combine(dir, "afu.db")));
        await store.EnsureSchemaAsync();
        await store.WriteAsync(events.ToList());
        return dir;
    }

    /// <summary>Users 1-4: at 1h a slate of posts 1, 2 (post 1 opened and liked), at 3h posts 3, 4 (nothing).</summary>
    private static IEnumerable<JournalEvent> Logged()
    {
        long o = 0;
        for (var u = 1; u <= 4; u++) yield return Slate(++o, u, 1, T0.AddHours(1).AddMinutes(u), "interest", (1, true, true), (2, false, false));
        for (var u = 1; u <= 4; u++) yield return Slate(++o, u, 2, T0.AddHours(3).AddMinutes(u), "interest", (3, false, false), (4, false, false));
    }

    /// <summary>The shared past (the 1h slates, copied), then from 3h popular's own: posts 5 (opened; users 1 and 2 like it) and 6.</summary>
    private static IEnumerable<JournalEvent> Fork()
    {
        long o = 0;
        for (var u = 1; u <= 4; u++) yield return Slate(++o, u, 1, T0.AddHours(1).AddMinutes(u), "interest", (1, true, true), (2, false, false));
        for (var u = 1; u <= 4; u++) yield return Slate(++o, u, 2, T0.AddHours(3).AddMinutes(u), "popular", (5, true, u <= 2), (6, false, false));
    }

    private static async Task<(List<DatasetTables> Runs, List<TruthRun> Truths, DateTime? From, DateTime? Until)> Read(DatasetTables logged, params string[] args)
    {
        var parsed = AfuCommandLine.Parse(["dataset", "evaluate", .. args]);
        return await DatasetCommand.ReadTruthsAsync(parsed, CommandSettings.Load(parsed, TestEnv.Isolated()), logged, CancellationToken.None);
    }

    [Fact]
    public async Task A_fork_is_read_from_its_first_slate_of_its_own_and_printed_beside_every_estimate()
    {
        var logged = await Store("logged", Logged());
        var fork = await Store("fork", Fork());
        var tables = await DatasetTables.ReadAsync(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(Path.Combine(logged, "afu.db"))));

        var (runs, truths, from, until) = await Read(tables, "--data-dir", logged, "--truth", fork);
        Assert.Empty(runs);
        var truth = Assert.Single(truths);
        Assert.Equal((TruthRun.Fork, fork, T0.AddHours(3).AddMinutes(1)), (truth.Kind, truth.Source, truth.From));
        Assert.Equal((truth.From, T0.AddHours(3).AddMinutes(4)), (from, until));

        var evaluation = OffPolicyEvaluator.Evaluate(tables, [], options: new OffPolicyOptions(truths, from, Resamples: 50, Until: until));
        var estimate = Assert.Single(evaluation.Estimates);
        Assert.Equal("popular", estimate.Policy);
        // the fork's truth: popular's 8 impressions from 3h on, 2 liked, 4 opened; the copied 1h slates (interest's) are not its
        var forkTruth = Assert.Single(estimate.Truths);
        Assert.Equal((TruthRun.Fork, 8L, 0.25, 0.5), (forkTruth.Kind, forkTruth.Impressions, forkTruth.LikeRate, forkTruth.OpenRate));
        // the evidence: the logged slates from 3h on only (8 impressions, none liked): every estimator says 0, 100% below the truth
        Assert.Equal((8L, 4L), (estimate.Impressions, estimate.Slates));
        Assert.All(estimate.Like, r => Assert.Equal((TruthRun.Fork, fork, 0.25), (Assert.Single(r.Comparisons).Kind, r.Comparisons[0].Source, r.Comparisons[0].Truth)));
        Assert.All(estimate.Like.Where(r => r.Name != "DR"), r => Assert.Equal((0.0, -1.0, false), (r.Estimate, r.Comparisons[0].RelativeError, r.Comparisons[0].Covered)));
        Assert.Equal(T0.AddHours(3).AddMinutes(1), evaluation.From);
        var text = evaluation.ToText();
        Assert.Contains("truth fork", text);
        Assert.Contains(fork, text);
        Assert.Contains("window: impressions shown from 2026-03-01T03:01:00Z to 2026-03-01T03:04:00Z", text);

        // --truth-after: counted after that time instead (users 3 and 4's slates: none liked)
        var (_, after, afterFrom, _) = await Read(tables, "--data-dir", logged, "--truth", fork, "--truth-after", "2026-03-01T03:02:30Z");
        Assert.Equal(new DateTime(2026, 3, 1, 3, 2, 30, DateTimeKind.Utc).AddTicks(1), afterFrom);
        var late = Assert.Single(OffPolicyEvaluator.Evaluate(tables, [], options: new OffPolicyOptions(after, afterFrom, Resamples: 0)).Estimates);
        Assert.Equal((4L, 0.0, 0.5), (late.Truths[0].Impressions, late.Truths[0].LikeRate, late.Truths[0].OpenRate));
    }

    [Fact]
    public async Task A_truth_dir_that_is_missing_empty_or_only_a_copy_of_the_logged_run_is_a_bad_argument()
    {
        var logged = await Store("logged", Logged());
        var empty = await Store("empty", []);
        var copy = await Store("copy", Logged());
        var missing = _dir.File("nowhere");
        foreach (var (args, message) in new[]
                 {
                     (new[] { "--truth", missing }, $"--truth {missing}: no SQLite database"),
                     (["--truth", empty], $"--truth {empty}: no impressions"),
                     (["--truth", copy], $"--truth {copy}: every slate in it is a copy of one in the logged run"),
                     (["--truth", copy, "--truth-after", "yesterday"], "--truth-after yesterday: not a time"),
                     (["--truth-after", "2026-03-01T00:00:00Z"], "--truth-after needs --truth"),
                 })
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var code = await AfuApp.RunAsync(["dataset", "evaluate", "--data-dir", logged, "--out", _dir.File("eval"), .. args], stdout, stderr, CancellationToken.None, TestEnv.Isolated());
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}, {stderr}");
            Assert.Contains(message, stderr.ToString());
        }
    }
}
