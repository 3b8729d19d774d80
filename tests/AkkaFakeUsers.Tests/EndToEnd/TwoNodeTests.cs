using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>Two nodes (two actor systems on loopback ports, one process) form a cluster sharing the SQLite store.</summary>
[Collection("end-to-end")]
public partial class TwoNodeTests(ITestOutputHelper output)
{
    private sealed record Node(string Name, int ClusterPort, int InspectionPort, Task<int> Run, StringWriter Log, CancellationTokenSource Stop);

    private static Node Start(string name, string dataDir, int clusterPort, int seedPort, params (string Key, string Value)[] more)
    {
        var inspection = Ports.Free();
        var env = new Dictionary<string, string>
        {
            ["AFU__CLUSTER__PORT"] = clusterPort.ToString(),
            ["AFU_SEED_NODES"] = $"akka.tcp://afu@127.0.0.1:{seedPort}",
            ["AFU_INSPECTION_PORT"] = inspection.ToString(),
            ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0",
            [TestEnv.DailyCurve] = "off",
            ["AFU__USERS__ENSURE_INTERVAL"] = "2s",
        };
        foreach (var (k, v) in more) env[k] = v;
        var log = new StringWriter();
        var stop = new CancellationTokenSource();
        var run = AfuApp.RunAsync(["run", "--users", "24", "--seed", "8", "--data-dir", dataDir, "--time-scale", "20", "--llm", "builtin"], log, log, stop.Token, env);
        return new Node(name, clusterPort, inspection, run, log, stop);
    }

    private static async Task<string> Ask(Node n, string line)
    {
        await using var c = await InspectionClient.ConnectAsync("127.0.0.1", n.InspectionPort, null, CancellationToken.None);
        var r = await c.SendAsync(line, CancellationToken.None);
        Assert.True(r.Ok, $"{n.Name} {line}: {r.Text}");
        return r.Text;
    }

    private static async Task<string> Eventually(Node n, string line, Func<string, bool> ok, int seconds = 45)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var text = "";
        while (DateTime.UtcNow < deadline)
        {
            text = await Ask(n, line);
            if (ok(text)) return text;
            await Task.Delay(500);
        }
        Assert.Fail($"{n.Name} {line}: not as expected in {seconds}s:\n{text}");
        return text;
    }

    private static HashSet<string> LocalUsers(string sharding) =>
        Regex.Match(sharding, @"local users \(\d+\): (.*)").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    [Fact]
    public async Task Users_spread_over_both_nodes_posts_cross_them_and_a_leaving_node_loses_nothing()
    {
        using var dir = new TempDir();
        var portA = Ports.Free();
        var portB = Ports.Free();
        var a = Start("A", dir.Path, portA, portA);
        await Ports.WaitOpenAsync(a.InspectionPort, TimeSpan.FromSeconds(30));
        var b = Start("B", dir.Path, portB, portA);
        await Ports.WaitOpenAsync(b.InspectionPort, TimeSpan.FromSeconds(30));
        try
        {
            var members = await Eventually(a, "cluster show", t => Regex.Matches(t, @"member .* Up ").Count == 2);
            Assert.Contains($"127.0.0.1:{portB}", members);

            // Sharding rebalances users onto the new node. While a shard is handed over its users live on neither
            // node for a moment, so the count is taken once both nodes agree on all 24 (or the wait ends).
            string shardingA = "", shardingB = "";
            HashSet<string> onA = [], onB = [];
            var settle = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                shardingB = await Ask(b, "cluster sharding -v");
                shardingA = await Ask(a, "cluster sharding -v");
                onA = LocalUsers(shardingA);
                onB = LocalUsers(shardingB);
                // no node above 1.5x an even share (12 of 24), within a minute of B joining
                var settled = Math.Max(onA.Count, onB.Count) <= 18 && onA.Count + onB.Count == 24 && !onA.Overlaps(onB);
                if (settled || DateTime.UtcNow >= settle) break;
                await Task.Delay(500);
            }
            output.WriteLine(shardingA + "\n" + shardingB);
            Assert.True(Math.Max(onA.Count, onB.Count) <= 18, $"A holds {onA.Count} users, B {onB.Count}: more than 1.5x an even share after a minute");
            output.WriteLine($"B joined; balanced ({onA.Count} / {onB.Count}) after {(DateTime.UtcNow - settle.AddSeconds(-60)).TotalSeconds:F1} s");
            Assert.Empty(onA.Intersect(onB));
            Assert.Equal(24, onA.Count + onB.Count);

            // B, started after A, took over A's simulated time: the two clocks are within the max skew (30 s simulated;
            // the two answers are a few real milliseconds apart, x20), not the ~20 s real x 20 that B started later
            static DateTime SimNow(string status) => DateTime.ParseExact(Regex.Match(status, @"\(now (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\)").Groups[1].Value,
                "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            var (clockA, clockB) = (SimNow(await Ask(a, "sim status")), SimNow(await Ask(b, "sim status")));
            output.WriteLine($"simulated now: A {clockA:O}, B {clockB:O}");
            Assert.True(Math.Abs((clockA - clockB).TotalSeconds) <= 40, $"A at {clockA:O}, B at {clockB:O}");

            // Posts of A's users reach B's users over DistributedPubSub, and they react.
            var feedB = await Eventually(b, "feed status", t => long.Parse(Regex.Match(t, @"(\d+) from other nodes' users").Groups[1].Value) > 0);
            output.WriteLine(feedB);
            // (users may still move while the allocation settles: the pair is looked for until it shows, up to 30 s)
            var crossed = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(30); !crossed && DateTime.UtcNow < deadline; await Task.Delay(1000))
            {
                onA = LocalUsers(await Ask(a, "cluster sharding -v"));
                onB = LocalUsers(await Ask(b, "cluster sharding -v"));
                using var db = new Db(Path.Combine(dir.Path, "afu.db"));
                var pairs = db.Rows("SELECT i.user_id, p.author_id FROM user_interactions i JOIN posts p ON p.id = i.post_id", r => (Reader: r.GetString(0), Author: r.GetString(1)));
                crossed = pairs.Any(x => onB.Contains(x.Reader) && onA.Contains(x.Author));
            }
            Assert.True(crossed, "no user on B reacted to a post of a user on A");

            // B leaves gracefully (SIGTERM-style): its users move to A; nothing it acknowledged is lost.
            await b.Stop.CancelAsync();
            Assert.Equal(0, await b.Run);
            output.WriteLine(b.Log.ToString());
            Assert.Contains("handed this node's users over", b.Log.ToString());
            await Eventually(a, "cluster show", t => Regex.Matches(t, @"member ").Count == 1);
            await Eventually(a, "sim status", t => t.Contains("24 running on this node"));
        }
        finally
        {
            await a.Stop.CancelAsync();
            await b.Stop.CancelAsync();
        }
        Assert.Equal(0, await a.Run);
        output.WriteLine(a.Log.ToString());

        long Persisted(Node n) => long.Parse(PersistedRegex().Match(n.Log.ToString()).Groups[1].Value);
        using var final = new Db(Path.Combine(dir.Path, "afu.db"));
        var journal = final.Scalar("SELECT COUNT(*) FROM journal");
        Assert.Equal(Persisted(a) + Persisted(b), journal);
        Assert.Equal(journal, final.Scalar(Db.RowsPerEventSql));
        Assert.Equal(24, final.Scalar("SELECT COUNT(*) FROM users"));
    }

    [Fact]
    public async Task With_min_members_2_the_first_node_waits_for_the_second_and_both_hold_users_from_the_first_allocation()
    {
        using var dir = new TempDir();
        var portA = Ports.Free();
        var portB = Ports.Free();
        var a = Start("A", dir.Path, portA, portA, ("AFU__CLUSTER__MIN_MEMBERS", "2"));
        Node? b = null;
        try
        {
            await Ports.WaitOpenAsync(a.InspectionPort, TimeSpan.FromSeconds(30));
            // alone, A stays Joining: no singleton, no shard, no user, no row
            await Task.Delay(4000);
            var alone = await Ask(a, "cluster show");
            output.WriteLine(alone);
            Assert.Matches(@"member .* Joining ", alone);
            using (var db = new Db(Path.Combine(dir.Path, "afu.db")))
                Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM users"));

            b = Start("B", dir.Path, portB, portA, ("AFU__CLUSTER__MIN_MEMBERS", "2"));
            await Eventually(a, "cluster show", t => Regex.Matches(t, @"member .* Up ").Count == 2);
            // the first allocation already spreads the users: both nodes hold some, all 24 run
            static int[] PerNode(string t) => Regex.Matches(t, @"shards \d+  users (\d+)").Select(m => int.Parse(m.Groups[1].Value)).ToArray();
            var sharding = await Eventually(a, "cluster sharding", t => PerNode(t) is { Length: 2 } n && n.Sum() == 24 && n.All(u => u >= 6));
            output.WriteLine(sharding);
            // sim status counts the whole cluster beside this node's share, on either node
            var onB = PerNode(sharding)[1];
            var statusA = await Eventually(a, "sim status", t => t.Contains("24 running in the cluster"));
            var statusB = await Eventually(b, "sim status", t => t.Contains("24 running in the cluster"));
            output.WriteLine(statusA + "\n" + statusB);
            Assert.Matches(@"24 running in the cluster, (\d+) running on this node", statusB);
        }
        finally
        {
            await a.Stop.CancelAsync();
            if (b is not null) await b.Stop.CancelAsync();
        }
        Assert.Equal(0, await a.Run);
        if (b is not null) Assert.Equal(0, await b.Run);
    }

    [GeneratedRegex(@"events persisted\s+(\d+) this run")]
    private static partial Regex PersistedRegex();
}
