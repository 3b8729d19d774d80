using System.Diagnostics;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>`afu run --storage postgres` on a real PostgreSQL server.</summary>
[Collection("end-to-end")]
public partial class PostgresEndToEndTests(ITestOutputHelper output)
{
    private static Dictionary<string, string> Env(TestDatabase db, params (string, string)[] more)
    {
        var env = new Dictionary<string, string> { ["AFU_STORAGE"] = "postgres", ["AFU_POSTGRES"] = db.ConnectionString, ["AFU_INSPECTION_PORT"] = "0", ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0", [TestEnv.DailyCurve] = "off" };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    internal static async Task AssertExactlyOnce(TestDatabase db)
    {
        // Each journal event is one row, per type, no duplicate ids.
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM journal WHERE manifest = 'UserCreated'"), await db.ScalarAsync("SELECT COUNT(*) FROM users"));
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM journal WHERE manifest = 'PostPublished'"), await db.ScalarAsync("SELECT COUNT(*) FROM posts"));
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM journal WHERE manifest = 'InteractionRecorded'"), await db.ScalarAsync("SELECT COUNT(*) FROM user_interactions"));
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM journal WHERE manifest = 'UserFollowed'"), await db.ScalarAsync("SELECT COUNT(*) FROM follows"));
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM journal WHERE manifest = 'SlateShown'"), await db.ScalarAsync("SELECT COUNT(DISTINCT slate_id) FROM impressions"));
        // the impression log on PostgreSQL: booleans, positions from 1, true propensities
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM impressions WHERE position < 1 OR propensity <= 0 OR propensity > 1 OR (liked AND NOT viewed) OR (viewed AND NOT examined)"));
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM impressions WHERE viewed"),
            await db.ScalarAsync("SELECT COUNT(*) FROM user_interactions WHERE type = 'view' AND metadata ->> 'impression_id' IS NOT NULL"));
        Assert.Equal(await db.ScalarAsync("SELECT MAX(ordering) FROM journal"), await db.ScalarAsync("SELECT ordering FROM projection_offsets"));
    }

    [PostgresFact]
    public async Task A_run_fills_the_three_tables_with_one_row_per_journal_event()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--users", "14", "--seed", "2", "--duration", "12s", "--time-scale", "10", "--llm", "builtin"],
            stdout, stdout, CancellationToken.None, Env(db));
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);
        Assert.Contains("storage postgres (127.0.0.1:", stdout.ToString());

        Assert.Equal(14, await db.ScalarAsync("SELECT COUNT(*) FROM users WHERE bio LIKE 'FAKE_USER|interests:%'"));
        Assert.True(await db.ScalarAsync("SELECT COUNT(*) FROM posts") >= 8);
        Assert.True(await db.ScalarAsync("SELECT COUNT(*) FROM user_interactions WHERE type = 'view'") > await db.ScalarAsync("SELECT COUNT(*) FROM user_interactions WHERE type = 'like'"));
        // jsonb metadata and the indexes the ML side queries by
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM user_interactions WHERE jsonb_typeof(metadata -> 'interest_match_score') <> 'number'"));
        Assert.Equal(await db.ScalarAsync("SELECT COUNT(*) FROM posts"), await db.ScalarAsync("SELECT COUNT(*) FROM posts WHERE metadata ->> 'source' = 'fake_user'"));
        var indexes = await db.StringsAsync("SELECT indexdef FROM pg_indexes WHERE tablename IN ('posts', 'user_interactions')");
        Assert.Contains(indexes, i => i.Contains("(post_id)"));
        Assert.Contains(indexes, i => i.Contains("(user_id, type)"));
        Assert.Contains(indexes, i => i.Contains("posts") && i.Contains("(created_at)"));
        await AssertExactlyOnce(db);
    }

    [PostgresFact]
    public async Task Sigkill_mid_run_then_restart_gives_the_same_rows_no_duplicates_no_gaps()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AfuBinary.Path, "run", "--users", "12", "--seed", "9", "--time-scale", "10", "--llm", "builtin" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["AFU_STORAGE"] = "postgres";
        psi.Environment["AFU_POSTGRES"] = db.ConnectionString;
        psi.Environment["AFU_INSPECTION_PORT"] = "0";
        psi.Environment["AFU__HEALTH__PORT"] = "0";
        psi.Environment["AFU_DASHBOARD_PORT"] = "0";
        psi.Environment[TestEnv.DailyCurve] = "off";
        using (var p = Process.Start(psi)!)
        {
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                try
                {
                    if (await db.ScalarAsync("SELECT COUNT(*) FROM user_interactions") >= 40) break;
                }
                catch (Npgsql.PostgresException)
                {
                    // tables not created yet
                }
            }
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        var before = await db.StringsAsync("SELECT id FROM users UNION ALL SELECT id FROM posts UNION ALL SELECT id FROM user_interactions UNION ALL SELECT follower_id || '>' || followee_id FROM follows");
        Assert.True(before.Count >= 40);

        var stdout = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--users", "12", "--seed", "9", "--duration", "6s", "--time-scale", "10", "--llm", "builtin"],
            stdout, stdout, CancellationToken.None, Env(db));
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);
        var after = await db.StringsAsync("SELECT id FROM users UNION ALL SELECT id FROM posts UNION ALL SELECT id FROM user_interactions UNION ALL SELECT follower_id || '>' || followee_id FROM follows");
        Assert.Empty(before.Except(after));
        Assert.Equal(after.Count, after.Distinct().Count());
        await AssertExactlyOnce(db);
    }

    [PostgresFact]
    public async Task The_database_going_away_for_seconds_loses_no_acknowledged_event()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        var stdout = new StringWriter();
        var env = Env(db, ("AFU__USERS__ENSURE_INTERVAL", "2s"));
        var run = AfuApp.RunAsync(["run", "--users", "12", "--seed", "4", "--duration", "24s", "--time-scale", "10", "--llm", "builtin"],
            stdout, stdout, CancellationToken.None, env);
        await Task.Delay(TimeSpan.FromSeconds(7));
        var beforeOutage = await db.ScalarAsync("SELECT COUNT(*) FROM journal");
        await Postgres.PgCtlAsync("stop");
        // readiness says what is wrong while the database is away
        var url = Regex.Match(stdout.ToString(), @"health and metrics at (http://\S+/)healthz/ready").Groups[1].Value;
        using (var http = new HttpClient { BaseAddress = new Uri(url) })
        {
            var ready = await http.GetAsync("healthz/ready");
            Assert.Equal(503, (int)ready.StatusCode);
            Assert.Contains("journal database unreachable", await ready.Content.ReadAsStringAsync());
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Postgres.PgCtlAsync("start");
        var code = await run;
        output.WriteLine(stdout.ToString());
        Assert.Equal(0, code);

        var journal = await db.ScalarAsync("SELECT COUNT(*) FROM journal");
        Assert.True(journal > beforeOutage, "the simulation carried on after the outage");
        // Every event a user had acknowledged (persisted) this run is in the journal and in the tables.
        var persisted = long.Parse(PersistedRegex().Match(stdout.ToString()).Groups[1].Value);
        Assert.Equal(persisted, journal);
        await AssertExactlyOnce(db);
        // Users whose writes failed during the outage came back and posted again.
        Assert.True(await db.ScalarAsync("SELECT COUNT(DISTINCT author_id) FROM posts WHERE created_at > (SELECT MIN(created_at) FROM posts) + interval '2 minutes'") >= 6);
    }

    [GeneratedRegex(@"events persisted\s+(\d+) this run")]
    private static partial Regex PersistedRegex();

    [PostgresFact]
    public async Task An_unreachable_server_is_named_without_the_password()
    {
        var stderr = new StringWriter();
        var cs = "Host=127.0.0.1;Port=1;Database=nowhere;Username=afu;Password=hunter2;Timeout=2";
        var code = await AfuApp.RunAsync(["run", "--storage", "postgres", "--duration", "2s"], new StringWriter(), stderr, CancellationToken.None,
            new Dictionary<string, string> { ["AFU_POSTGRES"] = cs });
        Assert.Equal(1, code);
        Assert.Contains("PostgreSQL 127.0.0.1:1/nowhere", stderr.ToString());
        Assert.DoesNotContain("hunter2", stderr.ToString());
    }

    [PostgresFact]
    public async Task A_role_without_create_permission_gets_a_message_naming_it()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        var role = "afu_ro_" + Guid.NewGuid().ToString("N")[..6];
        await db.ScalarAsync($"CREATE ROLE {role} LOGIN PASSWORD 'pw'; REVOKE CREATE ON SCHEMA public FROM PUBLIC; SELECT 1");
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = "pw" }.ToString();
        var stderr = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--storage", "postgres", "--duration", "2s"], new StringWriter(), stderr, CancellationToken.None,
            new Dictionary<string, string> { ["AFU_POSTGRES"] = cs });
        Assert.Equal(1, code);
        Assert.Contains($"role '{role}' lacks the CREATE privilege on schema 'public'", stderr.ToString());
        Assert.DoesNotContain("Password=pw", stderr.ToString());
    }
}
