using System.Diagnostics;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>`afu run` as a user runs it: real host, cluster, sharding, SQLite journal and training tables.</summary>
[Collection("end-to-end")]
public class RunEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DbPath => Path.Combine(_dir.Path, "afu.db");

    [Fact]
    public async Task A_short_compressed_run_fills_the_training_tables()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AfuApp.RunAsync(
            ["run", "--users", "16", "--duration", "15s", "--seed", "7", "--data-dir", _dir.Path, "--time-scale", "10", "--llm", "builtin"],
            stdout, stderr, CancellationToken.None, TestEnv.Isolated());
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString());
        Assert.Equal(0, code);
        Assert.Contains("afu: summary", stdout.ToString());
        Assert.Contains(DbPath, stdout.ToString());
        Assert.Contains("users 16/16", stdout.ToString()); // the live status line

        using var db = new Db(DbPath);
        Assert.Equal(16, db.Scalar("SELECT COUNT(*) FROM users"));
        Assert.Equal(16, db.Scalar("SELECT COUNT(*) FROM users WHERE bio LIKE 'FAKE_USER|interests:%' AND bio = 'FAKE_USER|interests:' || interests"));
        Assert.Equal(16, db.Scalar("SELECT COUNT(DISTINCT username) FROM users"));

        var posts = db.Scalar("SELECT COUNT(*) FROM posts");
        Assert.True(posts >= 10, $"{posts} posts");
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM posts WHERE length(content) < 50 OR length(content) > 500"));
        Assert.Equal(posts, db.Scalar("SELECT COUNT(*) FROM posts WHERE json_extract(metadata, '$.source') = 'fake_user' AND json_extract(metadata, '$.generated_by') = 'builtin'"));
        Assert.Equal(posts, db.Scalar("SELECT COUNT(DISTINCT content) FROM posts"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.author_id)"));

        var views = db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'view'");
        var likes = db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'like'");
        var comments = db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment'");
        output.WriteLine($"posts {posts} views {views} likes {likes} comments {comments}");
        Assert.True(views > likes && likes > comments && comments > 0, $"views {views} likes {likes} comments {comments}");

        // Never a reaction to one's own post; likes and comments only after a view; every row scored.
        // Nobody reacts to their own post, and a like or comment follows a view; replies in a thread (parent_id set) are
        // answers to a comment: the post's author may reply, without a view of their own post.
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM user_interactions i JOIN posts p ON p.id = i.post_id WHERE p.author_id = i.user_id AND json_extract(i.metadata, '$.parent_id') IS NULL"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM user_interactions l WHERE l.type IN ('like', 'comment') AND json_extract(l.metadata, '$.parent_id') IS NULL AND NOT EXISTS (SELECT 1 FROM user_interactions v WHERE v.type = 'view' AND v.user_id = l.user_id AND v.post_id = l.post_id)"));
        // a hide is the explicit negative of a post examined and not opened
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM user_interactions h JOIN impressions m ON m.id = json_extract(h.metadata, '$.impression_id') WHERE h.type = 'hide' AND (m.viewed = 1 OR m.hid = 0 OR m.examined = 0)"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM user_interactions r WHERE json_extract(r.metadata, '$.parent_id') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM user_interactions c WHERE c.id = json_extract(r.metadata, '$.parent_id') AND c.type = 'comment' AND c.post_id = r.post_id)"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE json_extract(metadata, '$.interest_match_score') IS NULL"));
        Assert.Equal(comments, db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment' AND length(content) > 1 AND json_extract(metadata, '$.generated_by') = 'builtin'"));

        // Reactions from a slate come after the post and after the slate was shown, and name their impression; replies come
        // after the comment they answer.
        Assert.Equal(0, db.Scalar(
            "SELECT COUNT(*) FROM user_interactions i JOIN posts p ON p.id = i.post_id LEFT JOIN impressions m ON m.id = json_extract(i.metadata, '$.impression_id') " +
            "WHERE json_extract(i.metadata, '$.parent_id') IS NULL AND (m.id IS NULL OR m.post_id <> i.post_id OR m.user_id <> i.user_id OR i.created_at < m.shown_at OR i.created_at < p.created_at)"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM impressions WHERE viewed = 1 AND NOT EXISTS (SELECT 1 FROM user_interactions v WHERE v.type = 'view' AND json_extract(v.metadata, '$.impression_id') = impressions.id)"));
        Assert.Equal(0, db.Scalar(
            "SELECT COUNT(*) FROM user_interactions r JOIN user_interactions c ON c.id = json_extract(r.metadata, '$.parent_id') WHERE r.created_at <= c.created_at"));

        // The like rate is higher for high match scores than for low ones.
        var rows = db.ViewsWithLikes();
        var high = rows.Where(r => r.Score >= 0.5).ToList();
        var low = rows.Where(r => r.Score < 0.5).ToList();
        Assert.NotEmpty(high);
        Assert.NotEmpty(low);
        var highRate = high.Average(r => r.Liked ? 1.0 : 0.0);
        var lowRate = low.Average(r => r.Liked ? 1.0 : 0.0);
        output.WriteLine($"like rate: score>=0.5 {highRate:F2} ({high.Count} views), score<0.5 {lowRate:F2} ({low.Count} views)");
        Assert.True(highRate > lowRate, $"like rate high {highRate:F2} vs low {lowRate:F2}");

        // Exactly once: every journal event is one row.
        Assert.Equal(db.Scalar("SELECT COUNT(*) FROM journal"), db.Scalar(Db.RowsPerEventSql));
        Assert.True(db.Scalar("SELECT COUNT(*) FROM impressions") >= 10);
        Assert.Equal(db.JournalImpressionIds().Order(), db.Strings("SELECT id FROM impressions").Order());
    }

    /// <summary>One id per journal event's row(s): a slate counts once (its impressions are checked on their own).</summary>
    private const string RowIds = "SELECT id FROM users UNION ALL SELECT id FROM posts UNION ALL SELECT id FROM user_interactions " +
                                  "UNION ALL SELECT follower_id || '>' || followee_id FROM follows UNION ALL SELECT DISTINCT slate_id FROM impressions";

    [Fact]
    public async Task Sigkill_then_restart_keeps_every_row_and_duplicates_none()
    {
        var afu = AfuBinary.Path;
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { afu, "run", "--users", "12", "--seed", "3", "--data-dir", _dir.Path, "--time-scale", "10", "--llm", "builtin" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["AFU_INSPECTION_PORT"] = "0";
        psi.Environment["AFU__HEALTH__PORT"] = "0";
        psi.Environment["AFU_DASHBOARD_PORT"] = "0";
        psi.Environment[TestEnv.DailyCurve] = "off";
        using (var p = Process.Start(psi)!)
        {
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                if (!File.Exists(DbPath)) continue;
                using var probe = new Db(DbPath);
                if (probe.Scalar("SELECT COUNT(*) FROM user_interactions") >= 30) break;
            }
            p.Kill(entireProcessTree: true); // SIGKILL: no drain, no shutdown
            await p.WaitForExitAsync();
            foreach (var line in log) output.WriteLine("first run: " + line);
        }

        List<string> before;
        long journalBefore;
        using (var db = new Db(DbPath))
        {
            before = db.Strings(RowIds);
            journalBefore = db.Scalar("SELECT COUNT(*) FROM journal");
        }
        Assert.True(before.Count >= 30);

        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--users", "12", "--seed", "3", "--data-dir", _dir.Path, "--time-scale", "10", "--duration", "6s", "--llm", "builtin"],
            stdout, new StringWriter(), CancellationToken.None, TestEnv.Isolated());
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);

        using var after = new Db(DbPath);
        var ids = after.Strings(RowIds);
        Assert.Empty(before.Except(ids));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(12, after.Scalar("SELECT COUNT(*) FROM users"));
        // Events the first run journaled but had not projected when it was killed are in the tables now, once.
        var journal = after.Scalar("SELECT COUNT(*) FROM journal");
        Assert.True(journal >= journalBefore);
        Assert.Equal(journal, ids.Count);
        // The impression log: no row lost or doubled, exactly the slots the journal's slates hold.
        var impressions = after.Strings("SELECT id FROM impressions");
        Assert.Equal(impressions.Count, impressions.Distinct().Count());
        Assert.Equal(after.JournalImpressionIds().Order(), impressions.Order());
        Assert.True(impressions.Count >= 20, $"{impressions.Count} impressions");
        // The users carried on from their recovered state: post numbers continue, none reused.
        Assert.Equal(after.Scalar("SELECT COUNT(*) FROM posts"), after.Scalar("SELECT COUNT(DISTINCT id) FROM posts"));
    }
}

/// <summary>`afu run --llm ollama` against the fake Ollama server, including an outage mid-run.</summary>
[Collection("end-to-end")]
public class OllamaRunEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Texts_come_from_ollama_fall_back_during_an_outage_and_come_back_after_it()
    {
        await using var server = await AkkaFakeUsers.FakeOllama.FakeOllamaServer.StartAsync(parallel: 2, maxQueue: 8);
        server.Latency = TimeSpan.FromMilliseconds(20);
        var env = new Dictionary<string, string>
        {
            ["OLLAMA_HOST"] = server.Uri.ToString(),
            ["AFU_LLM_MAX_IN_FLIGHT"] = "2",
            ["AFU__LLM__BREAKER__RESET_TIMEOUT"] = "1s",
            ["AFU__LLM__RETRY__BASE_DELAY"] = "50ms",
            ["AFU_INSPECTION_PORT"] = "0",
            ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0",
            [TestEnv.DailyCurve] = "off",
        };
        var stdout = new StringWriter();
        var run = AfuApp.RunAsync(["run", "--llm", "ollama", "--users", "12", "--seed", "5", "--duration", "16s", "--data-dir", _dir.Path, "--time-scale", "12"],
            stdout, stdout, CancellationToken.None, env);
        await Task.Delay(TimeSpan.FromSeconds(6));
        server.Mode = AkkaFakeUsers.FakeOllama.FakeMode.Error500;
        await Task.Delay(TimeSpan.FromSeconds(4));
        server.Mode = AkkaFakeUsers.FakeOllama.FakeMode.Normal;
        var code = await run;
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);
        Assert.Contains("lacks model gemma3:270m: pulling it", stdout.ToString());
        Assert.Contains("posts and comments by Ollama model gemma3:270m", stdout.ToString());

        using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
        var byGenerator = db.Rows("SELECT json_extract(metadata, '$.generated_by'), json_extract(metadata, '$.model_version'), COUNT(*), MIN(created_at), MAX(created_at) FROM posts GROUP BY 1, 2",
            r => (By: r.GetString(0), Model: r.GetString(1), Count: r.GetInt64(2), First: r.GetString(3), Last: r.GetString(4)));
        foreach (var g in byGenerator) output.WriteLine(g.ToString());
        var ollama = Assert.Single(byGenerator, g => g.By == "ollama");
        Assert.Equal("gemma3:270m", ollama.Model);
        var builtin = Assert.Single(byGenerator, g => g.By == "builtin");
        // Ollama wrote again after the outage: its last post is later than the last fallback.
        Assert.True(string.CompareOrdinal(ollama.Last, builtin.Last) > 0, $"ollama last {ollama.Last}, builtin last {builtin.Last}");
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM posts WHERE json_extract(metadata, '$.generated_by') = 'ollama' AND (content LIKE 'Sure%' OR content LIKE '%**%' OR content LIKE '\"%')"));
        Assert.True(db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment' AND json_extract(metadata, '$.generated_by') = 'ollama'") > 0);
        // Users kept running through the outage and the server was never asked for more than the limit.
        Assert.Equal(12, db.Scalar("SELECT COUNT(*) FROM users"));
        Assert.True(server.MaxConcurrent <= 2, $"max concurrent {server.MaxConcurrent}");
        Assert.Equal(0, server.Rejected503);
    }
}
