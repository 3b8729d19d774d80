using System.Globalization;
using System.Text.Json;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// One small source run (40 users, 3 simulated hours, --time-scale max) and three forks of it at 2h (1 simulated hour
/// each): two under `popular`, one under `chronological`. Made once for the class.
/// </summary>
public sealed class ForkFixture : IAsyncLifetime
{
    public const string At = "2026-01-01T02:00:00Z";
    public const string AtSql = "2026-01-01T02:00:00.000Z";

    public static readonly string[] Common = ["run", "--users", "40", "--seed", "7", "--llm", "builtin", "--time-scale", "max"];

    public TempDir Dir { get; } = new();
    public string Source => Dir.File("source");
    public string ForkA => Dir.File("popular-a");
    public string ForkB => Dir.File("popular-b");
    public string ForkC => Dir.File("chronological");
    public Dictionary<string, string> Out { get; } = new();

    public static async Task<(int Code, string Out, string Err)> Afu(string[] args, params (string, string)[] env)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await AfuApp.RunAsync(args, stdout, stderr, CancellationToken.None, TestEnv.Isolated(env));
        return (code, stdout.ToString(), stderr.ToString());
    }

    public async Task InitializeAsync()
    {
        await Run(Source, "--sim-duration", "3h");
        await Run(ForkA, "--sim-duration", "1h", "--feed-policy", "popular", "--fork-from", Source, "--at", "2h");
        // the same instant spelled as an instant
        await Run(ForkB, "--sim-duration", "1h", "--feed-policy", "popular", "--fork-from", Source, "--at", At);
        await Run(ForkC, "--sim-duration", "1h", "--feed-policy", "chronological", "--fork-from", Source, "--at", "2h");
    }

    private async Task Run(string dataDir, params string[] args)
    {
        var (code, output, err) = await Afu([.. Common, "--data-dir", dataDir, .. args]);
        Out[dataDir] = output + err;
        Assert.True(code == 0, $"afu run {string.Join(' ', args)}: exit {code}\n{output}\n{err}");
    }

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>`afu run --fork-from DIR --at TIME` on SQLite: the cut, determinism, another policy, bad input.</summary>
[Collection("end-to-end")]
public class ForkTests(ForkFixture fx, ITestOutputHelper output) : IClassFixture<ForkFixture>
{
    private static Db Open(string dataDir) => new(Path.Combine(dataDir, "afu.db"));

    [Fact]
    public void Two_forks_at_the_same_instant_under_the_same_policy_give_identical_training_tables()
    {
        output.WriteLine(fx.Out[fx.ForkA]);
        Assert.Contains($"afu: forked from {fx.Source} at {ForkFixture.At}: ", fx.Out[fx.ForkA]);
        Assert.Contains($"simulated time resumes at {ForkFixture.At}", fx.Out[fx.ForkA]);
        // the clock of each fork starts at the instant itself, not after the newest copied post
        Assert.Contains("simulated         01:00:00 (2026-01-01 02:00:00 to 2026-01-01 03:00:00)", fx.Out[fx.ForkA]);
        Assert.Contains("simulated         01:00:00 (2026-01-01 02:00:00 to 2026-01-01 03:00:00)", fx.Out[fx.ForkB]);
        using var a = Open(fx.ForkA);
        using var b = Open(fx.ForkB);
        var (ta, tb) = (a.TrainingRows(), b.TrainingRows());
        Assert.True(a.Scalar($"SELECT COUNT(*) FROM impressions WHERE shown_at > '{ForkFixture.AtSql}'") > 1000
                    && a.Scalar($"SELECT COUNT(*) FROM posts WHERE created_at > '{ForkFixture.AtSql}'") > 200,
            string.Join(", ", ta.Select(t => $"{t.Key} {t.Value.Count}")));
        Db.AssertSameRows(ta, tb, "fork A", "fork B");
        // and the fork's own hour was served by the policy given now
        Assert.Equal(0, a.Scalar($"SELECT COUNT(*) FROM impressions WHERE shown_at > '{ForkFixture.AtSql}' AND policy NOT IN ('popular', 'random')"));
    }

    [Fact]
    public async Task The_forks_journal_holds_the_sources_events_up_to_the_instant_with_their_ids_and_sequence_numbers_and_none_after()
    {
        var at = DateTime.Parse(ForkFixture.At, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        using var src = Open(fx.Source);
        using var fork = Open(fx.ForkA);
        var copied = long.Parse(System.Text.RegularExpressions.Regex.Match(fx.Out[fx.ForkA], @": ([\d,]+) events of").Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        var source = Events(src, long.MaxValue).ToDictionary(e => (e.Pid, e.Seq));
        var kept = Events(fork, copied);
        Assert.Equal(copied, kept.Count);
        // ordered 1..N, nothing after the instant, each the source's event byte for byte with its tags
        Assert.Equal(copied, fork.Scalar($"SELECT COUNT(*) FROM journal WHERE ordering <= {copied}"));
        Assert.All(kept, e =>
        {
            Assert.True(e.At <= at, $"{e.Pid} #{e.Seq} at {e.At:O}");
            var s = source[(e.Pid, e.Seq)];
            Assert.Equal(s.Message, e.Message);
            Assert.Equal(s.Tags, e.Tags);
        });
        // per user a prefix of its sequence: 1..k, and the source's next event is after the instant (or held back with a slate whose outcome is)
        var byUser = kept.GroupBy(e => e.Pid).ToDictionary(g => g.Key, g => g.Select(e => e.Seq).OrderBy(s => s).ToList());
        Assert.All(byUser, u => Assert.Equal(Enumerable.Range(1, u.Value.Count).Select(i => (long)i), u.Value));
        var notCopied = source.Values.Where(s => s.At <= at && !(byUser.TryGetValue(s.Pid, out var seqs) && s.Seq <= seqs.Count)).ToList();
        var heldBack = System.Text.RegularExpressions.Regex.Match(fx.Out[fx.ForkA], @"and ([\d,]+) earlier ones") is { Success: true } m ? long.Parse(m.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture) : 0;
        Assert.Equal(heldBack, notCopied.Count);
        Assert.True(notCopied.Count < copied / 100, $"{notCopied.Count} events at or before the instant held back of {copied}");
        // where a user's copy stops, its next event is after the instant, or a slate whose outcome is (a slate goes whole or not at all)
        foreach (var pid in source.Values.Select(s => s.Pid).Distinct())
        {
            var k = byUser.TryGetValue(pid, out var seqs) ? seqs.Count : 0;
            if (source.TryGetValue((pid, k + 1), out var next))
                Assert.True(next.At > at || next.Manifest == "SlateShown", $"{pid} stops at #{k}, before {next.Manifest} #{next.Seq} at {next.At:O}");
        }
        // snapshots, as the copy left them before the fork ran on (its run then takes and prunes its own): the source's
        // taken at a kept sequence number, byte for byte, and no other
        using var copyDir = new TempDir();
        var plan = await StoreFork.PlanAsync(ForkSource.Parse(fx.Source), ForkFixture.At, CancellationToken.None);
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(copyDir.File("afu.db")));
        await store.EnsureSchemaAsync();
        var copy = await StoreFork.CopyAsync(plan, store, CancellationToken.None);
        Assert.Equal(copied, copy.Events);
        using (var c = new Db(copyDir.File("afu.db")))
        {
            const string snapshotSql = "SELECT persistence_id || '#' || sequence_number || '#' || hex(snapshot) || '#' || manifest || '#' || serializer_id FROM snapshot ORDER BY 1";
            var expected = src.Rows("SELECT persistence_id, sequence_number FROM snapshot ORDER BY persistence_id || '#' || sequence_number", r => (Pid: r.GetString(0), Seq: r.GetInt64(1)))
                .Select(x => x.Seq <= (byUser.TryGetValue(x.Pid, out var q) ? q.Count : 0)).ToList();
            var all = src.Strings(snapshotSql);
            Assert.Equal(all.Where((_, i) => expected[i]).ToList(), c.Strings(snapshotSql));
            Assert.True(copy.Snapshots > 0 && copy.SnapshotsDropped > 0, $"{copy.Snapshots} snapshots copied, {copy.SnapshotsDropped} dropped");
            Assert.Equal(fork.Strings("SELECT persistence_id || '#' || sequence_number || '#' || hex(message) FROM journal WHERE ordering <= " + copied + " ORDER BY ordering"),
                c.Strings("SELECT persistence_id || '#' || sequence_number || '#' || hex(message) FROM journal ORDER BY ordering"));
            // nothing projected yet: the training tables start empty, with no offset
            Assert.Equal(0, c.Scalar("SELECT COUNT(*) FROM posts") + c.Scalar("SELECT COUNT(*) FROM projection_offsets"));
        }
        // the journal table the fork made is the one the plugin makes
        Assert.Equal(src.Strings("SELECT sql FROM sqlite_master WHERE tbl_name IN ('journal', 'snapshot') AND sql IS NOT NULL ORDER BY name"),
            fork.Strings("SELECT sql FROM sqlite_master WHERE tbl_name IN ('journal', 'snapshot') AND sql IS NOT NULL ORDER BY name")
                .Select(s => s.Replace("IF NOT EXISTS ", "")).ToList());
        // the projection re-projected the copy: every copied event is in the training tables
        Assert.Equal(kept.Count(e => e.Manifest == "PostPublished"), fork.Scalar($"SELECT COUNT(*) FROM posts WHERE created_at <= '{ForkFixture.AtSql}'"));
    }

    [Fact]
    public void The_forks_feed_starts_with_the_sources_pool_at_the_instant_and_shows_only_posts_the_fork_holds()
    {
        Assert.Matches(@"afu: the feed starts with the source's pool at 2026-01-01T02:00:00Z: [1-9][\d,]* posts of the last 6h and their [\d,]+ likes", fx.Out[fx.ForkA]);
        using var a = Open(fx.ForkA);
        // the fork's first ten minutes rank posts written before the instant, as the source's did (not an empty pool)
        const string early = $"FROM impressions i JOIN posts p ON p.id = i.post_id WHERE i.shown_at > '{ForkFixture.AtSql}' AND i.shown_at < '2026-01-01T02:10:00.000Z'";
        var old = a.Scalar($"SELECT COUNT(*) {early} AND p.created_at < '{ForkFixture.AtSql}'");
        var all = a.Scalar($"SELECT COUNT(*) {early}");
        output.WriteLine($"first ten minutes: {old} of {all} impressions show posts from before the instant");
        Assert.True(all > 50 && old > all / 2, $"{old} of {all}");
        // every shown or answered post is a post of the fork
        Assert.Equal(0, a.Scalar("SELECT COUNT(*) FROM impressions WHERE post_id NOT IN (SELECT id FROM posts)"));
        Assert.Equal(0, a.Scalar("SELECT COUNT(*) FROM user_interactions WHERE post_id NOT IN (SELECT id FROM posts)"));
    }

    [Fact]
    public void Another_policy_gives_other_impressions_after_the_instant_and_the_same_rows_before_it()
    {
        using var a = Open(fx.ForkA);
        using var c = Open(fx.ForkC);
        using var src = Open(fx.Source);
        var before = new Dictionary<string, string>
        {
            ["users"] = "created_at", ["posts"] = "created_at", ["user_interactions"] = "created_at", ["follows"] = "created_at", ["impressions"] = "shown_at",
        };
        foreach (var (table, time) in before)
        {
            var sql = $"SELECT * FROM {table} WHERE {time} < '{ForkFixture.AtSql}' ORDER BY 1, 2";
            var (ra, rc, rs) = (Lines(a, sql), Lines(c, sql), Lines(src, sql).ToHashSet());
            Assert.True(ra.Count > 0, table);
            Assert.Equal(ra, rc);
            // and they are the source's rows (less the few events the cut held back)
            Assert.All(ra, r => Assert.Contains(r, rs));
        }
        const string after = $"SELECT slate_id || '|' || position || '|' || post_id || '|' || policy FROM impressions WHERE shown_at > '{ForkFixture.AtSql}' ORDER BY 1";
        var (ia, ic) = (a.Strings(after), c.Strings(after));
        Assert.True(ia.Count > 1000 && ic.Count > 1000, $"{ia.Count} / {ic.Count} impressions after the instant");
        Assert.NotEqual(ia, ic);
        Assert.Contains(ic, i => i.EndsWith("|chronological", StringComparison.Ordinal));
        Assert.DoesNotContain(ia, i => i.EndsWith("|chronological", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_input_is_refused_in_one_line_with_exit_code_2_and_nothing_written()
    {
        using var dir = new TempDir();
        var target = dir.File("target");
        var noJournal = dir.File("no-journal");
        Directory.CreateDirectory(noJournal);
        using (var empty = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(noJournal, "afu.db")}"))
        {
            empty.Open();
            using var cmd = empty.CreateCommand();
            cmd.CommandText = "CREATE TABLE posts (id TEXT)";
            cmd.ExecuteNonQuery();
        }
        var cases = new (string[] Args, string Says)[]
        {
            (["--fork-from", dir.File("nowhere"), "--at", "1h"], "no such data dir"),
            (["--fork-from", dir.Path, "--at", "1h"], "no afu.db in it"),
            (["--fork-from", noJournal, "--at", "1h"], "holds no journal"),
            (["--fork-from", fx.Source, "--at", "2025-12-31T23:00:00Z"], "outside the source"),
            (["--fork-from", fx.Source, "--at", "4h"], "outside the source"),
            (["--fork-from", fx.Source, "--at", "2026-01-01 02:00"], "ISO-8601"),
            (["--fork-from", fx.Source, "--at", "120"], "with its unit"),
            (["--fork-from", fx.Source], "needs --at"),
            (["--at", "1h"], "needs --fork-from"),
        };
        foreach (var (args, says) in cases)
        {
            var (code, _, err) = await ForkFixture.Afu([.. ForkFixture.Common, "--data-dir", target, "--sim-duration", "1h", .. args]);
            output.WriteLine(err.Trim());
            Assert.Equal(2, code);
            Assert.Contains(says, err);
            Assert.Single(err.Trim().Split('\n'));
            Assert.False(Directory.Exists(target), $"{string.Join(' ', args)} wrote {target}");
        }
        // a target that already holds a journal (here: the source itself, or an earlier fork) is left as it was
        var before = File.GetLastWriteTimeUtc(Path.Combine(fx.ForkA, "afu.db"));
        using (var f = Open(fx.ForkA))
        {
            var rows = f.Scalar("SELECT COUNT(*) FROM journal");
            var (code, _, err) = await ForkFixture.Afu([.. ForkFixture.Common, "--data-dir", fx.ForkA, "--sim-duration", "1h", "--fork-from", fx.Source, "--at", "1h"]);
            output.WriteLine(err.Trim());
            Assert.Equal(2, code);
            Assert.Contains("already holds a journal", err);
            Assert.Equal(rows, f.Scalar("SELECT COUNT(*) FROM journal"));
        }
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(fx.ForkA, "afu.db")));
    }

    private static List<string> Lines(Db db, string sql) => db.Rows(sql, r =>
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < r.FieldCount; i++) sb.Append(r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
        return sb.ToString();
    });

    private sealed record Event(string Pid, long Seq, string Manifest, string? Tags, byte[] Message, DateTime At);

    private static List<Event> Events(Db db, long upTo) => db.Rows($"SELECT persistence_id, sequence_number, manifest, tags, message FROM journal WHERE ordering <= {upTo} ORDER BY ordering", r =>
    {
        var message = (byte[])r.GetValue(4);
        using var doc = JsonDocument.Parse(message);
        return new Event(r.GetString(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), message,
            doc.RootElement.GetProperty("createdAt").GetDateTime().ToUniversalTime());
    });
}
