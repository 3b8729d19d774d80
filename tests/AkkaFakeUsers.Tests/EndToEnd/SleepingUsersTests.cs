using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// Idle users sleep (afu.users.sleep-after): their actor stops, their wake-ups stay in the node's schedule, which wakes
/// them in time. Sleeping must change nothing: the same tables as a population that never sleeps, the configured rates,
/// no wake-up missed.
/// </summary>
[Collection("end-to-end")]
public partial class SleepingUsersTests(ITestOutputHelper output)
{
    private const string Start = "2026-03-02T00:00:00Z";
    private const long Seed = 11;

    private async Task<(Db Db, string Out)> Run(TempDir dir, string[] args, params (string, string)[] env)
    {
        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--llm", "builtin", "--data-dir", dir.Path, "--time-scale", "max", .. args],
            stdout, stdout, CancellationToken.None, TestEnv.Isolated([("AFU__SIMULATION__START", Start), .. env]));
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);
        return (new Db(Path.Combine(dir.Path, "afu.db")), stdout.ToString());
    }

    [GeneratedRegex(@"users woken from sleep ([\d,]+) times, ([\d,]+) asleep at the end")]
    private static partial Regex SleepLine();

    private static (long Wakes, long Asleep) Sleep(string output)
    {
        var m = SleepLine().Match(output);
        Assert.True(m.Success, "the summary says how often users were woken and how many sleep at the end");
        return (long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Users_that_sleep_make_row_for_row_the_same_tables_as_users_that_never_sleep()
    {
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        string[] args = ["--users", "60", "--sim-duration", "4h", "--duration", "300s"];
        (string, string)[] rates = [("POST_GENERATION_INTERVAL", "1h"), ("AFU__SESSIONS__INTERVAL", "30m")];
        var (awake, _) = await Run(d1, args, [.. rates, ("AFU_SLEEP_AFTER", "0")]);
        var (sleeping, outSleeping) = await Run(d2, args, [.. rates, ("AFU_SLEEP_AFTER", "10m")]);
        using (awake)
        using (sleeping)
        {
            var (wakes, asleep) = Sleep(outSleeping);
            output.WriteLine($"woken {wakes} times, {asleep} of 60 asleep at the end");
            Assert.True(wakes >= 300, $"the population slept and was woken often ({wakes} wake-ups)");
            var (ta, tb) = (awake.TrainingRows(), sleeping.TrainingRows());
            Assert.True(ta["posts"].Count > 100 && ta["impressions"].Count > 1000 && ta["user_interactions"].Count > 500,
                string.Join(", ", ta.Select(t => $"{t.Key} {t.Value.Count}")));
            Db.AssertSameRows(ta, tb, "never sleeping", "sleeping");
        }
    }

    [Fact]
    public async Task A_mostly_sleeping_population_posts_at_the_configured_rate_and_misses_no_wake_up_over_a_simulated_day()
    {
        const int users = 80;
        var interval = TimeSpan.FromHours(1);
        var sessions = TimeSpan.FromHours(2);
        using var dir = new TempDir();
        var (db, outText) = await Run(dir, ["--users", users.ToString(CultureInfo.InvariantCulture), "--sim-duration", "1d", "--duration", "600s"],
            ("POST_GENERATION_INTERVAL", "1h"), ("AFU__SESSIONS__INTERVAL", "2h"), ("AFU__BEHAVIOUR__DAILY_CURVE__ENABLED", "off"), ("AFU_SLEEP_AFTER", "10m"),
            ("AFU__BEHAVIOUR__JOINING__GROWTH_PER_DAY", "0")); // the configured population only (joiners would add to the rate)
        using (db)
        {
            var (wakes, asleep) = Sleep(outText);
            // the configured rate: each user posts every interval / its activity factor on average (daily curve off)
            var defaults = TestSettings.Defaults("", Seed);
            var jitter = defaults.PostJitter;
            var step = TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(1); // a text or slate is stamped with its batch's end (afu.clock.step)
            var day = TimeSpan.FromDays(1);
            var start = DateTime.Parse(Start, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var factor = Enumerable.Range(1, users).ToDictionary(i => ProfileRules.UserId(i),
                i => ProfileRules.Create(Seed, i, defaults.Interests, defaults.Behaviour.Activity).ActivityFactor);
            var configured = factor.Values.Sum(f => day / (interval / f));
            var posts = db.Rows("SELECT author_id, created_at FROM posts", r => (User: r.GetString(0), At: DateTime.Parse(r.GetString(1), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal)));
            output.WriteLine($"posts {posts.Count}, configured rate over the day {configured:F0}; woken {wakes} times, {asleep} of {users} asleep at the end");
            Assert.True(wakes >= users * 10L, $"users slept and were woken all day ({wakes} wake-ups)");
            Assert.True(asleep >= users / 2, $"most users sleep between their posts and sessions ({asleep} of {users} asleep at the end)");
            Assert.InRange(posts.Count / configured, 0.95, 1.05);

            // nobody misses a wake-up: no gap in a user's posts (or sessions) longer than its longest wait plus a batch
            var slates = db.Rows("SELECT user_id, MIN(shown_at) FROM impressions GROUP BY slate_id, user_id", r => (User: r.GetString(0),
                At: DateTime.Parse(r.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)));
            var missed = new List<string>();
            void Check(string what, IEnumerable<(string User, DateTime At)> rows, TimeSpan mean, TimeSpan from)
            {
                foreach (var (user, f) in factor)
                {
                    var longest = mean / f * (1 + jitter) + step;
                    if (longest > (day - from) / 3) continue; // too rare to say from one day
                    var times = rows.Where(r => r.User == user).Select(r => r.At).Order().Prepend(start + from).Append(start + day).ToList();
                    for (var i = 1; i < times.Count; i++)
                        if (times[i] - times[i - 1] > longest)
                            missed.Add($"{user} ({what}, longest wait {longest}): nothing from {times[i - 1]:HH:mm:ss} to {times[i]:HH:mm:ss}");
                }
            }
            Check("posts", posts, interval, TimeSpan.Zero);
            // slates begin once the feed has posts to show (the first hour)
            Check("sessions", slates, sessions, TimeSpan.FromHours(1));
            Assert.True(missed.Count == 0, string.Join("\n", missed.Take(20)));
        }
    }

    /// <summary>One id per journal event's row(s): a slate counts once (its impressions are checked on their own).</summary>
    private const string RowIds = "SELECT id FROM users UNION ALL SELECT id FROM posts UNION ALL SELECT id FROM user_interactions " +
                                  "UNION ALL SELECT follower_id || '>' || followee_id FROM follows UNION ALL SELECT DISTINCT slate_id FROM impressions";

    private static readonly string[] SleepyRun = ["run", "--users", "300", "--seed", "5", "--time-scale", "600", "--llm", "builtin"];

    private static readonly (string, string)[] SleepyEnv =
        [("POST_GENERATION_INTERVAL", "1h"), ("AFU__SESSIONS__INTERVAL", "30m"), ("AFU_SLEEP_AFTER", "10m")];

    /// <summary>Starts `afu run` as its own process and SIGKILLs it once <paramref name="killWhen"/> holds (or after 60 s).</summary>
    private async Task RunAndKill(string dataDir, string what, Func<Db, bool> killWhen, TimeSpan? minimum = null)
    {
        using var p = AfuProcess.Start([.. SleepyRun, "--data-dir", dataDir], TestEnv.Isolated(SleepyEnv));
        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
            if (started.Elapsed < (minimum ?? TimeSpan.Zero) || !File.Exists(Path.Combine(dataDir, "afu.db"))) continue;
            try
            {
                using var probe = new Db(Path.Combine(dataDir, "afu.db"));
                if (killWhen(probe)) break;
            }
            catch (Microsoft.Data.Sqlite.SqliteException) { } // the tables are being created
        }
        await p.KillAsync();
        output.WriteLine($"{what}: killed after {started.Elapsed.TotalSeconds:F1}s");
        foreach (var line in p.Log) output.WriteLine($"{what}: {line}");
    }

    [Fact]
    public async Task Sigkill_while_users_fall_asleep_en_masse_and_again_while_they_recover_keeps_every_event_once()
    {
        using var dir = new TempDir();
        var dbPath = Path.Combine(dir.Path, "afu.db");
        // 1. killed while the population is being created and falls asleep (a user with its next post more than 10 min
        //    away sleeps at once: most of them)
        await RunAndKill(dir.Path, "creating and falling asleep", db => db.Scalar("SELECT COUNT(*) FROM users") >= 150);
        List<string> before;
        using (var db = new Db(dbPath)) before = db.Strings(RowIds);
        Assert.True(before.Count >= 150, $"{before.Count} rows before the first kill");
        // 2. killed again while the users recover (the first sweep wakes every one) and fall asleep again
        await RunAndKill(dir.Path, "recovering", _ => true, minimum: TimeSpan.FromSeconds(4));
        List<string> middle;
        using (var db = new Db(dbPath)) middle = db.Strings(RowIds);
        Assert.Empty(before.Except(middle));

        // 3. a run that ends cleanly: every event the journal acknowledged is in the tables, once
        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync([.. SleepyRun, "--data-dir", dir.Path, "--duration", "15s"], stdout, stdout, CancellationToken.None, TestEnv.Isolated(SleepyEnv));
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);
        var (wakes, asleep) = Sleep(stdout.ToString());
        Assert.True(asleep >= 100, $"most users sleep ({asleep} of 300 at the end, {wakes} wake-ups)");
        using var after = new Db(dbPath);
        var ids = after.Strings(RowIds);
        Assert.Empty(middle.Except(ids));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(after.Scalar("SELECT COUNT(*) FROM journal"), ids.Count);
        Assert.True(after.Scalar("SELECT COUNT(*) FROM users") >= 300);
        var impressions = after.Strings("SELECT id FROM impressions");
        Assert.Equal(impressions.Count, impressions.Distinct().Count());
        Assert.Equal(after.JournalImpressionIds().Order(), impressions.Order());
        // users carried on from their recovered state: post numbers continue, none reused
        Assert.Equal(after.Scalar("SELECT COUNT(*) FROM posts"), after.Scalar("SELECT COUNT(DISTINCT id) FROM posts"));
    }

    [GeneratedRegex(@"recoveries\s+(\d+) users read their history back")]
    private static partial Regex RecoveriesLine();

    [Fact]
    public async Task A_restart_schedules_every_user_asleep_at_once_and_recovers_only_those_whose_work_falls_due()
    {
        using var dir = new TempDir();
        string[] args = ["--users", "300", "--seed", "5", "--time-scale", "600", "--duration", "8s", "--data-dir", dir.Path, "--llm", "builtin"];
        var first = new StringWriter();
        Assert.Equal(0, await AfuApp.RunAsync(["run", .. args], first, first, CancellationToken.None, TestEnv.Isolated(SleepyEnv)));
        output.WriteLine(first.ToString());
        long postsBefore, joinedBefore;
        using (var db = new Db(Path.Combine(dir.Path, "afu.db")))
        {
            postsBefore = db.Scalar("SELECT COUNT(*) FROM posts");
            // users that joined over the first run (user-301 …): the second run's population starts at 300 again and
            // they join it anew as its target grows, each recovering its history (not asleep: beyond the target at start)
            joinedBefore = db.Scalar("SELECT COUNT(*) FROM users") - 300;
        }

        var second = new StringWriter();
        Assert.Equal(0, await AfuApp.RunAsync(["run", .. args], second, second, CancellationToken.None, TestEnv.Isolated(SleepyEnv)));
        var text = second.ToString();
        output.WriteLine(text);
        // every user of the store is scheduled asleep at start, its first post and session planned, without reading the journal
        Assert.Contains("afu: 300 users of the store start asleep", text);
        var recoveries = long.Parse(RecoveriesLine().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var (wakes, _) = Sleep(text);
        // every recovery was a sleeper woken for its work, or a user of the first run joining again: none up front
        Assert.True(recoveries <= wakes + joinedBefore, $"{recoveries} recoveries for {wakes} wake-ups and {joinedBefore} users joining again: users recovered up front");
        Assert.True(wakes >= 50, $"users woke for their work ({wakes})");
        using var after = new Db(Path.Combine(dir.Path, "afu.db"));
        Assert.True(after.Scalar("SELECT COUNT(*) FROM posts") > postsBefore + 30, "the restarted population posts");
        var ids = after.Strings(RowIds);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(after.Scalar("SELECT COUNT(*) FROM journal"), ids.Count);
        Assert.Equal(after.Scalar("SELECT COUNT(*) FROM posts"), after.Scalar("SELECT COUNT(DISTINCT id) FROM posts"));
    }
}
