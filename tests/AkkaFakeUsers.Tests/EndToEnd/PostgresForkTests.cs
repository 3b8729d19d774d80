using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>`afu run --fork-from postgres:… --at TIME` from one PostgreSQL database into another.</summary>
[Collection("end-to-end")]
public class PostgresForkTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Keys = new()
    {
        ["users"] = "id", ["posts"] = "id", ["user_interactions"] = "id", ["follows"] = "follower_id, followee_id", ["impressions"] = "id",
        ["impression_propensities"] = "impression_id, policy",
    };

    private async Task<string> Run(TestDatabase db, params string[] args)
    {
        var (code, stdout, stderr) = await ForkFixture.Afu([.. ForkFixture.Common, .. args], ("AFU_STORAGE", "postgres"), ("AFU_POSTGRES", db.ConnectionString));
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        return stdout;
    }

    [PostgresFact]
    public async Task Two_forks_of_a_postgres_run_hold_its_journal_up_to_the_instant_and_give_identical_training_tables()
    {
        await using var source = await Postgres.CreateDatabaseAsync();
        await using var a = await Postgres.CreateDatabaseAsync();
        await using var b = await Postgres.CreateDatabaseAsync();
        await Run(source, "--sim-duration", "3h");
        var from = "postgres:" + source.ConnectionString;
        var outA = await Run(a, "--sim-duration", "1h", "--feed-policy", "popular", "--fork-from", from, "--at", "2h");
        await Run(b, "--sim-duration", "1h", "--feed-policy", "popular", "--fork-from", from, "--at", ForkFixture.At);
        Assert.Contains($"at {ForkFixture.At}: ", outA);
        Assert.Contains("simulated         01:00:00 (2026-01-01 02:00:00 to 2026-01-01 03:00:00)", outA);

        foreach (var (table, key) in Keys)
        {
            var sql = $"SELECT t::text FROM {table} t ORDER BY {key}";
            Assert.Equal(await a.StringsAsync(sql), await b.StringsAsync(sql));
        }
        Assert.True(await a.ScalarAsync($"SELECT COUNT(*) FROM impressions WHERE shown_at > '{ForkFixture.At}'") > 1000);

        // the copy: the source's events (same ids, sequence numbers, payloads, tags) up to the instant, each user's a prefix 1..k
        var copied = long.Parse(System.Text.RegularExpressions.Regex.Match(outA, @": ([\d,]+) events of").Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        const string events = "SELECT persistence_id || '#' || sequence_number || '#' || md5(message) || '#' || coalesce(tags, '') FROM journal";
        var inFork = await a.StringsAsync($"{events} WHERE ordering <= {copied} ORDER BY ordering");
        Assert.Equal(copied, inFork.Count);
        Assert.Empty(inFork.Except(await source.StringsAsync(events)));
        Assert.Equal(0, await a.ScalarAsync(
            $"SELECT COUNT(*) FROM journal WHERE ordering <= {copied} AND (convert_from(message, 'UTF8')::jsonb ->> 'createdAt')::timestamptz > '{ForkFixture.At}'"));
        Assert.Equal(0, await a.ScalarAsync(
            $"SELECT COUNT(*) FROM (SELECT persistence_id FROM journal WHERE ordering <= {copied} GROUP BY persistence_id HAVING MAX(sequence_number) <> COUNT(*)) x"));
        // the identity column went on from the copy: the fork's own events follow without a gap or a clash
        Assert.Equal(await a.ScalarAsync("SELECT COUNT(*) FROM journal"), await a.ScalarAsync("SELECT MAX(ordering) FROM journal"));
        Assert.True(await a.ScalarAsync("SELECT COUNT(*) FROM journal") > copied);
        await PostgresEndToEndTests.AssertExactlyOnce(a);
    }
}
