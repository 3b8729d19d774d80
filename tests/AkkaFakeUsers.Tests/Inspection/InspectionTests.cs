// The inspection port end to end against one running node, every palette and the failure modes: over 300 lines because it is one fixture.
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Inspection;

/// <summary>The inspection port of a running `afu run`, over a real TCP socket.</summary>
[Collection("end-to-end")]
public partial class InspectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _log = new();
    private Task<int> _run = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = Ports.Free();
        var env = new Dictionary<string, string> { ["AFU_INSPECTION_PORT"] = _port.ToString(), ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0", [TestEnv.DailyCurve] = "off" };
        _run = AfuApp.RunAsync(["run", "--users", "10", "--seed", "6", "--data-dir", _dir.Path, "--time-scale", "20", "--llm", "builtin"],
            _log, _log, _stop.Token, env);
        await Ports.WaitOpenAsync(_port, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        var code = await _run;
        output.WriteLine(_log.ToString());
        Assert.Equal(0, code);
        _dir.Dispose();
    }

    private async Task<CommandResult> Send(string line)
    {
        await using var c = await InspectionClient.ConnectAsync("127.0.0.1", _port, null, CancellationToken.None);
        return await c.SendAsync(line, CancellationToken.None);
    }

    private async Task<string> Ok(string line)
    {
        var r = await Send(line);
        Assert.True(r.Ok, $"{line}: {r.Text}");
        return r.Text;
    }

    private async Task<string> Eventually(string line, Func<string, bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        string text;
        do
        {
            text = await Ok(line);
            if (condition(text)) return text;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"{line}: condition not met; last answer:\n{text}");
        return text;
    }

    private static long Number(string text, string label) => long.Parse(Regex.Match(text, label + @"\s+(\d+)").Groups[1].Value);

    [Fact]
    public async Task Every_command_answers_on_a_running_node()
    {
        var status = await Eventually("sim status", t => Number(t, "running on this node,") >= 0 && t.Contains("10 running on this node"));
        Assert.Contains("population    10 target", status);
        Assert.Contains("paused        no", status);
        // the clock: configured scale (kept up with, or what holds it), simulated time covered, the instant it is at
        Assert.Matches(@"clock         time-scale x20( \(effective (x[\d.,]+|\?)(, held by .+)?\))?, simulated \d\d:\d\d:\d\d( of [^(]+)? \(now \d{4}-\d\d-\d\d", status);

        var help = await Ok("help");
        foreach (var cmd in new[] { "actor hierarchy", "actor system", "cluster show", "cluster sharding", "log peek", "sim status", "sim users", "sim user", "sim scale", "sim post", "sim pause", "sim resume", "llm status", "feed status" })
            Assert.Contains(cmd, help);

        Assert.Contains("simulation-manager", await Ok("actor hierarchy -d 2"));
        Assert.Contains("name      afu", await Ok("actor system"));
        var cluster = await Ok("cluster show");
        Assert.Contains("Up  roles [afu]", cluster);
        Assert.Contains("unreachable (none)", cluster);
        Assert.Contains("users 10", await Ok("cluster sharding"));
        Assert.Contains("INFO", await Ok("log peek -n 5"));
        Assert.Contains("generator     builtin", await Ok("llm status"));
        Assert.Contains("members       10", await Ok("feed status"));

        var users = await Eventually("sim users --top 5", t => t.Split('\n').Length >= 6);
        var firstUsername = users.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var user = await Ok($"sim user {firstUsername}");
        Assert.Contains($"user          {firstUsername}", user);
        Assert.Contains("bio           FAKE_USER|interests:", user);
        var tech = await Ok("sim users --interest tech --top 50");
        Assert.All(tech.Split('\n').Skip(1), line => Assert.Contains("tech", line));
    }

    [Theory]
    [InlineData("fly away", "unknown command 'fly'")]
    [InlineData("sim", "'sim' needs a command")]
    [InlineData("sim jump", "unknown command 'sim jump'")]
    [InlineData("sim scale", "missing <count>\nusage: sim scale <count>")]
    [InlineData("sim scale lots", "<count> must be a whole number")]
    [InlineData("sim user nobody_here_1", "no user named 'nobody_here_1'")]
    [InlineData("sim users --top 0", "--top must be a whole number from 1 to 1000")]
    [InlineData("sim users --colour red", "unknown switch --colour")]
    [InlineData("actor hierarchy -d x", "-d must be a whole number")]
    [InlineData("log peek -n", "-n needs a value")]
    [InlineData("sim status extra", "unexpected argument 'extra'")]
    [InlineData("sim user \"unclosed", "unclosed quote")]
    [InlineData("feed policy", "missing <mix>")]
    [InlineData("feed policy trending", "unknown feed policy 'trending'")]
    [InlineData("feed policy \"interest=lots\"", "the share after '=' must be a number")]
    [InlineData("feed policy epsilon:2:popular", "E between 0 and 1")]
    public async Task Bad_commands_get_an_error_and_the_usage(string line, string expected)
    {
        var r = await Send(line);
        Assert.False(r.Ok);
        Assert.Contains(expected, r.Text);
    }

    [Fact]
    public async Task Scale_up_and_down_changes_the_live_population_and_keeps_data()
    {
        await Eventually("sim status", t => t.Contains("10 running on this node"));
        Assert.Contains("population 10 -> 20", await Ok("sim scale 20"));
        await Eventually("sim status", t => t.Contains("20 running on this node"));
        await Eventually("sim users --top 100", t => t.Split('\n').Length == 21); // 20 users in the table

        // user-15 gets some history, then the population shrinks below it
        await Ok("sim post user-15");
        var before = await Eventually("sim user user-15", t => Number(t, "counters      posts") >= 1);
        var posts = Number(before, "counters      posts");

        Assert.Contains("retiring user-6..user-20", await Ok("sim scale 5"));
        await Eventually("sim status", t => t.Contains(" 5 running on this node"));
        Assert.Contains("not part of the population", await Ok("sim user user-15"));
        Assert.Contains("users 5", await Eventually("cluster sharding", t => t.Contains("users 5")));
        Assert.False((await Send("sim post user-15")).Ok);
        Assert.Equal(21, (await Ok("sim users --top 100")).Split('\n').Length); // their rows stay

        await Ok("sim scale 20");
        await Eventually("sim status", t => t.Contains("20 running on this node"));
        var after = await Ok("sim user user-15");
        Assert.True(Number(after, "counters      posts") >= posts, after);
    }

    [Fact]
    public async Task Feed_policy_switches_the_running_feed_and_status_shows_slates_by_policy()
    {
        await Eventually("feed status", t => Number(t, "slates") >= 1 && t.Contains("policy        interest=0.8, popular=0.2"), TimeSpan.FromSeconds(60));
        Assert.Contains("feed policy -> chronological=0.5, epsilon:0.2:popular=0.5", await Ok("feed policy \"chronological=1, epsilon:0.2:popular=1\""));
        var after = await Eventually("feed status", t => t.Contains("policy        chronological=0.5, epsilon:0.2:popular=0.5"));
        var before = Number(after, "slates");
        await Eventually("feed status", t => t.Contains("chronological ") && Number(t, "slates") > before, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Pause_stops_posting_resume_restarts_it_and_post_is_a_manual_trigger()
    {
        await Eventually("sim status", t => Number(t, "posts") >= 3);
        Assert.Contains("paused: 10 users", await Ok("sim pause"));
        await Task.Delay(500);
        var a = Number(await Ok("sim status"), "posts");
        await Task.Delay(2000);
        var paused = await Ok("sim status");
        Assert.Contains("paused        yes", paused);
        Assert.Equal(a, Number(paused, "posts"));

        // manual trigger works while paused
        Assert.Contains("is writing a post now", await Ok("sim post user-1"));
        await Eventually("sim status", t => Number(t, "posts") == a + 1);

        Assert.Contains("resumed", await Ok("sim resume"));
        await Eventually("sim status", t => Number(t, "posts") > a + 1);
    }

    [Fact]
    public async Task Many_clients_at_once_and_one_that_hangs_up_mid_reply_harm_nothing()
    {
        // a client that asks for a long answer and disconnects at once
        using (var rude = new TcpClient())
        {
            await rude.ConnectAsync("127.0.0.1", _port);
            await rude.GetStream().WriteAsync(Encoding.UTF8.GetBytes("actor hierarchy -d 6\n"));
            rude.Client.Shutdown(SocketShutdown.Both);
        }
        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Send("sim status")));
        Assert.All(answers, r => Assert.True(r.Ok, r.Text));

        // one connection, many commands
        await using var c = await InspectionClient.ConnectAsync("127.0.0.1", _port, null, CancellationToken.None);
        for (var i = 0; i < 5; i++) Assert.True((await c.SendAsync("feed status", CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Health_and_prometheus_metrics_answer_over_http()
    {
        var url = "";
        for (var i = 0; i < 100 && url.Length == 0; i++, await Task.Delay(100))
            url = Regex.Match(_log.ToString(), @"health and metrics at (http://\S+/)healthz/ready").Groups[1].Value;
        Assert.NotEmpty(url);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal("live\n", await http.GetStringAsync("healthz/live"));
        var ready = await http.GetAsync("healthz/ready");
        Assert.Equal(200, (int)ready.StatusCode);
        await Eventually("sim status", t => Number(t, "posts") >= 1);
        await Eventually("llm status", t => Regex.IsMatch(t, @"successes\s+[1-9]"));
        var metrics = await http.GetStringAsync("metrics");
        for (var i = 0; i < 80 && !metrics.Contains("afu_feed_slates_total{policy="); i++, await Task.Delay(250))
            metrics = await http.GetStringAsync("metrics"); // the first slate
        // prometheus-net's exposition: declared types, histograms with buckets, _sum and _count, labels
        Assert.Contains("# TYPE afu_posts_total counter", metrics);
        Assert.Contains("# TYPE afu_users_active gauge", metrics);
        Assert.Contains("# TYPE afu_llm_latency_seconds histogram", metrics);
        Assert.Matches(@"afu_llm_latency_seconds_bucket\{le=""\+Inf""\} [1-9]\d*", metrics);
        Assert.Matches(@"afu_llm_latency_seconds_sum \d", metrics);
        Assert.Matches(@"afu_llm_latency_seconds_count [1-9]\d*", metrics);
        Assert.Matches(@"afu_users_created_total 10\b", metrics);
        Assert.Matches(@"afu_interactions_total\{type=""view""\} \d+", metrics);
        // the built-in generator is primary here: its rate is computed from its attempts (all met the text rules)
        Assert.Matches(@"afu_llm_success_rate 1\b", metrics);
        Assert.Matches(@"afu_llm_successes_total [1-9]\d*", metrics);
        Assert.Matches(@"afu_feed_impressions_total \d+", metrics);
        Assert.Matches(@"afu_feed_pool_posts [1-9]\d*", metrics);
        Assert.Matches(@"afu_feed_slates_total\{policy=""\w+""\} \d+", metrics);
        Assert.Matches(@"afu_projection_lag_events \d+", metrics);
        Assert.Matches(@"afu_users_by_interest\{interest=""sports""\} \d+", metrics);
        Assert.Matches(@"afu_cluster_up_members 1\b", metrics);
        // rates are PromQL's job: no averages since start
        Assert.DoesNotContain("per_minute", metrics);
        // every family docs/operations.md names is exposed
        var doc = await File.ReadAllTextAsync(Path.Combine(AkkaFakeUsers.Tests.Design.NamespaceDependencyTests.RepoRoot(), "docs", "operations.md"));
        var named = Regex.Matches(doc[doc.IndexOf("<!-- metrics:start -->", StringComparison.Ordinal)..doc.IndexOf("<!-- metrics:end -->", StringComparison.Ordinal)], @"`(afu_\w+)`")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(named.Count >= 20, $"docs/operations.md names {named.Count} families");
        Assert.All(named, family => Assert.Contains($"# TYPE {family} ", metrics));
    }

    [Fact]
    public async Task The_cli_prints_the_answer_and_exits_0_or_1()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string>();
        Assert.Equal(0, await AfuApp.RunAsync(["inspect", "--port", _port.ToString(), "sim", "status"], stdout, stderr, CancellationToken.None, env));
        Assert.Contains("population", stdout.ToString());
        Assert.Equal(1, await AfuApp.RunAsync(["inspect", "--port", _port.ToString(), "sim", "scale", "-5"], stdout, stderr, CancellationToken.None, env));
        Assert.Contains("error: <count> must be a whole number", stderr.ToString());

        // interactive: help, a command, history, exit
        var interactive = new StringWriter();
        var input = new StringReader("help\nfeed status\nhistory\nexit\n");
        Assert.Equal(0, await AfuApp.RunAsync(["inspect", "--port", _port.ToString()], interactive, interactive, CancellationToken.None, env, input));
        var text = interactive.ToString();
        Assert.Contains("afu> ", text);
        Assert.Contains("sim scale <count>", text);
        Assert.Contains("members", text);
        Assert.Contains("   2  feed status", text);

        var nobody = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["inspect", "--port", Ports.Free().ToString(), "sim", "status"], new StringWriter(), nobody, CancellationToken.None, env));
        Assert.Contains("is `afu run` running there?", nobody.ToString());
    }
}

[Collection("end-to-end")]
public class InspectionTokenTests
{
    [Fact]
    public async Task A_token_protected_port_refuses_wrong_tokens_and_serves_the_right_one()
    {
        using var dir = new TempDir();
        var port = Ports.Free();
        var env = new Dictionary<string, string> { ["AFU_INSPECTION_PORT"] = port.ToString(), ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0", [TestEnv.DailyCurve] = "off", ["AFU_INSPECTION_TOKEN"] = "s3cr3t" };
        using var stop = new CancellationTokenSource();
        var log = new StringWriter();
        var run = AfuApp.RunAsync(["run", "--users", "3", "--data-dir", dir.Path, "--llm", "builtin"], log, log, stop.Token, env);
        await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => InspectionClient.ConnectAsync("127.0.0.1", port, "wrong", CancellationToken.None));
        await using (var noToken = await InspectionClient.ConnectAsync("127.0.0.1", port, null, CancellationToken.None))
        {
            var r = await noToken.SendAsync("sim status", CancellationToken.None);
            Assert.False(r.Ok);
            Assert.Contains("authentication required", r.Text);
        }
        await using (var ok = await InspectionClient.ConnectAsync("127.0.0.1", port, "s3cr3t", CancellationToken.None))
        {
            Assert.True((await ok.SendAsync("sim status", CancellationToken.None)).Ok);
            // the refusals were logged
            Assert.Contains("refused 127.0.0.1", (await ok.SendAsync("log peek -n 200", CancellationToken.None)).Text);
        }

        var stderr = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["inspect", "--port", port.ToString(), "--token", "nope", "sim", "status"], new StringWriter(), stderr, CancellationToken.None, new Dictionary<string, string>()));
        Assert.Contains("refused", stderr.ToString());
        Assert.Equal(0, await AfuApp.RunAsync(["inspect", "--port", port.ToString(), "sim", "status"], new StringWriter(), new StringWriter(), CancellationToken.None, env));

        await stop.CancelAsync();
        Assert.Equal(0, await run);
    }

    [Fact]
    public async Task A_public_bind_address_without_a_token_is_a_config_error()
    {
        var stderr = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--duration", "2s"], new StringWriter(), stderr, CancellationToken.None,
            new Dictionary<string, string> { ["AFU_INSPECTION_HOST"] = "0.0.0.0" });
        Assert.Equal(2, code);
        Assert.Contains("not a loopback address: set afu.inspection.token", stderr.ToString());
    }

    [Fact]
    public async Task A_busy_inspection_port_is_a_clear_runtime_error()
    {
        using var dir = new TempDir();
        var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        try
        {
            var stderr = new StringWriter();
            var code = await AfuApp.RunAsync(["run", "--duration", "2s", "--data-dir", dir.Path, "--llm", "builtin"], new StringWriter(), stderr, CancellationToken.None,
                new Dictionary<string, string> { ["AFU_INSPECTION_PORT"] = port.ToString(), ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0", [TestEnv.DailyCurve] = "off" });
            Assert.Equal(1, code);
            Assert.Contains($"cannot open the inspection port 127.0.0.1:{port}", stderr.ToString());
        }
        finally
        {
            l.Stop();
        }
    }
}
