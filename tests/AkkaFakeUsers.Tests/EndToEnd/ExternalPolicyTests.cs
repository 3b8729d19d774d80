// Over 300 lines: the test's own ranking service (an HTTP server that misbehaves on a schedule) lives with the tests that run the simulation against it.
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// A team's ranking service in front of the simulated users: the run's feed asks a real HTTP server (this test's own) for
/// scores per slate. The server answers most slates with scores and misbehaves on a fixed share of them, each in one way
/// (HTTP 500, non-JSON, wrong ids, a missing score, a non-number, too slow): those slates are ranked by the fallback and
/// logged as fallback:popular, the good ones as external:test with propensities that are exactly those of the feed's
/// epsilon-greedy sampler over the scores the server gave.
/// </summary>
[Collection("end-to-end")]
public class ExternalPolicyTests(ITestOutputHelper output)
{
    /// <summary>How the server answers one slate, chosen by a stable hash of its slate id.</summary>
    private enum Behaviour { Good, Http500, NotJson, WrongIds, MissingScore, NotANumber, TooSlow }

    private sealed record Served(Behaviour Behaviour, JsonElement Request, Dictionary<string, double> Scores, string[] CandidateIds);

    private sealed class RankingService : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Func<string, Behaviour> _choose;

        public ConcurrentDictionary<string, Served> Slates { get; } = new();
        public int Calls;

        public RankingService(Func<string, Behaviour> choose)
        {
            _choose = choose;
            Port = Ports.Free();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public int Port { get; }
        public string Url => $"http://127.0.0.1:{Port}/score";

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpListenerException)
                {
                    return;
                }
                _ = Task.Run(() => AnswerAsync(ctx));
            }
        }

        private async Task AnswerAsync(HttpListenerContext ctx)
        {
            Interlocked.Increment(ref Calls);
            try
            {
                using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var request = JsonDocument.Parse(body).RootElement.Clone();
                var slateId = request.GetProperty("slate_id").GetString()!;
                var ids = request.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("post_id").GetString()!).ToArray();
                var behaviour = _choose(slateId);
                // a score from observable features only: likes, age, followed, and a fixed per-post jitter
                var scores = request.GetProperty("candidates").EnumerateArray().ToDictionary(c => c.GetProperty("post_id").GetString()!, c =>
                    c.GetProperty("likes").GetInt32() * 0.5 - c.GetProperty("age_hours").GetDouble() * 0.1 + (c.GetProperty("followed").GetBoolean() ? 2 : 0) +
                    Hash(c.GetProperty("post_id").GetString()!) % 1000 / 10_000.0);
                Slates[slateId] = new Served(behaviour, request, scores, ids);
                string answer;
                switch (behaviour)
                {
                    case Behaviour.Http500:
                        ctx.Response.StatusCode = 500;
                        answer = "{\"error\": \"model crashed\"}";
                        break;
                    case Behaviour.NotJson:
                        answer = "<html>scores</html>";
                        break;
                    case Behaviour.WrongIds:
                        answer = JsonSerializer.Serialize(new { scores = scores.Append(new KeyValuePair<string, double>("user-0/post-999999", 1.0)).ToDictionary() });
                        break;
                    case Behaviour.MissingScore:
                        answer = JsonSerializer.Serialize(new { scores = scores.Skip(1).ToDictionary() });
                        break;
                    case Behaviour.NotANumber:
                        answer = JsonSerializer.Serialize(new { scores = scores.ToDictionary(kv => kv.Key, kv => (object)(kv.Key == ids[0] ? "NaN" : kv.Value)) });
                        break;
                    case Behaviour.TooSlow:
                        await Task.Delay(1500, _stop.Token);
                        answer = JsonSerializer.Serialize(new { scores });
                        break;
                    default:
                        answer = JsonSerializer.Serialize(new { scores });
                        break;
                }
                var bytes = Encoding.UTF8.GetBytes(answer);
                ctx.Response.ContentType = "application/json";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            }
            catch (Exception)
            {
                try { ctx.Response.Abort(); } catch (Exception) { /* the client went away */ }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            try { await _loop; } catch (Exception) { /* stopped */ }
            _listener.Close();
        }
    }

    internal static uint Hash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s) h = (h ^ c) * 16777619u;
        return h;
    }

    private static Behaviour Schedule(string slateId) => (Hash(slateId) % 14) switch
    {
        0 => Behaviour.Http500,
        1 => Behaviour.NotJson,
        2 => Behaviour.WrongIds,
        3 => Behaviour.MissingScore,
        4 => Behaviour.NotANumber,
        5 => Behaviour.TooSlow,
        _ => Behaviour.Good,
    };

    private async Task<(int Code, string Out, string Err)> RunAsync(TempDir dir, string url, params (string, string)[] env)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--users", "40", "--seed", "3", "--time-scale", "max", "--sim-duration", "3h", "--duration", "120s", "--llm", "builtin",
                "--feed-policy", "external:test", "--data-dir", dir.Path],
            stdout, stderr, CancellationToken.None,
            TestEnv.Isolated([("AFU__FEED__EXTERNAL__TEST__URL", url), ("AFU__FEED__EXTERNAL__TEST__FALLBACK", "popular"), ("AFU__FEED__EXTERNAL__TEST__TIMEOUT", "400ms"),
                ("AFU__SESSIONS__INTERVAL", "20m"), ("AFU__POSTING__INTERVAL", "30m"), ..env]));
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Slates_are_ranked_by_the_service_with_exact_propensities_and_every_bad_answer_falls_back()
    {
        await using var service = new RankingService(Schedule);
        using var dir = new TempDir();
        // failures spread over the run must not open the circuit here (the breaker has its own test)
        var (code, stdout, _) = await RunAsync(dir, service.Url, ("AFU__FEED__EXTERNAL__TEST__BREAKER_FAILURES", "100000"));
        Assert.Equal(0, code);
        Assert.Contains("afu: external policies: test:", stdout);

        using var db = new Db(Path.Combine(dir.Path, "afu.db"));
        var impressions = db.Rows("SELECT slate_id, user_id, post_id, position, policy, propensity, cascade_propensity, candidates, is_random FROM impressions ORDER BY slate_id, position",
            r => (Slate: r.GetString(0), User: r.GetString(1), Post: r.GetString(2), Position: r.GetInt32(3), Policy: r.GetString(4), P: r.GetDouble(5),
                Cascade: r.GetDouble(6), N: r.GetInt32(7), Random: r.GetInt64(8) != 0));
        var slates = impressions.GroupBy(i => i.Slate).ToList();
        var follows = db.Rows("SELECT follower_id, followee_id FROM follows", r => (r.GetString(0), r.GetString(1))).ToHashSet();
        var byBehaviour = new Dictionary<Behaviour, int>();
        var checkedSlots = 0;
        foreach (var slate in slates)
        {
            var first = slate.First();
            if (first.Random)
            {
                Assert.Equal("random", first.Policy);
                continue;
            }
            Assert.True(service.Slates.TryGetValue(slate.Key, out var served), $"slate {slate.Key} was served by external:test but the service never saw it");
            byBehaviour[served.Behaviour] = byBehaviour.GetValueOrDefault(served.Behaviour) + 1;

            // what the service was told: observable history and features, never the user's true interests
            var request = served.Request;
            Assert.Equal(first.User, request.GetProperty("user_id").GetString());
            Assert.Equal("afu.external-policy.request/1", request.GetProperty("schema").GetString());
            var text = request.GetRawText();
            foreach (var hidden in new[] { "\"interests\"", "\"match", "\"weight", "interest_match" }) Assert.DoesNotContain(hidden, text);
            Assert.Equal(first.N, served.CandidateIds.Length);
            Assert.DoesNotContain(served.CandidateIds, id => id.StartsWith(first.User + "/post-", StringComparison.Ordinal));
            foreach (var f in request.GetProperty("user").GetProperty("following").EnumerateArray()) Assert.Contains((first.User, f.GetString()!), follows);
            foreach (var c in request.GetProperty("candidates").EnumerateArray())
                foreach (var field in new[] { "post_id", "author_id", "interest", "subtopic", "age_hours", "likes", "followed", "trending", "text" })
                    Assert.True(c.TryGetProperty(field, out _), $"candidate without {field}");

            if (served.Behaviour != Behaviour.Good)
            {
                Assert.Equal("fallback:popular", first.Policy);
                continue;
            }
            Assert.Equal("external:test", first.Policy);
            // the feed's sampler over the service's scores: epsilon-greedy (afu.feed.exploration 0.05) over the candidates in the order sent
            var scores = served.CandidateIds.Select(id => served.Scores[id]).ToArray();
            var greedy = AkkaFakeUsers.Feed.SlateSampler.TopK(scores, slate.Count());
            var shown = slate.OrderBy(i => i.Position).Select(i => Array.IndexOf(served.CandidateIds, i.Post)).ToArray();
            var marginal = AkkaFakeUsers.Feed.SlateSampler.Propensities(greedy, shown, 0.05, first.N);
            var cascade = AkkaFakeUsers.Feed.SlateSampler.CascadePropensities(greedy, shown, 0.05, first.N);
            foreach (var i in slate)
            {
                Assert.Equal(marginal[i.Position - 1], i.P, 12);
                Assert.Equal(cascade[i.Position - 1], i.Cascade, 12);
                checkedSlots++;
            }
        }
        // the request is what docs/external-policy.schema.json says it is: the same keys at every level
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AkkaFakeUsers.Tests.Design.NamespaceDependencyTests.RepoRoot(), "docs", "external-policy.schema.json")));
        var request0 = service.Slates.Values.First(v => v.Request.GetProperty("user").GetProperty("reactions").GetArrayLength() > 0).Request;
        var defs = schema.RootElement.GetProperty("$defs").GetProperty("request");
        static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        static string[] Required(JsonElement s) => s.GetProperty("required").EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Required(defs), Keys(request0));
        Assert.Equal(Keys(defs.GetProperty("properties")), Keys(request0));
        var user = defs.GetProperty("properties").GetProperty("user");
        Assert.Equal(Required(user), Keys(request0.GetProperty("user")));
        Assert.Equal(Required(defs.GetProperty("properties").GetProperty("candidates").GetProperty("items")), Keys(request0.GetProperty("candidates")[0]));
        var reactionSchema = user.GetProperty("properties").GetProperty("reactions").GetProperty("items");
        foreach (var reaction in request0.GetProperty("user").GetProperty("reactions").EnumerateArray())
        {
            Assert.All(Required(reactionSchema), k => Assert.True(reaction.TryGetProperty(k, out _), k));
            Assert.All(Keys(reaction), k => Assert.True(reactionSchema.GetProperty("properties").TryGetProperty(k, out _), k));
        }

        output.WriteLine($"slates {slates.Count}; by behaviour: {string.Join(", ", byBehaviour.Select(kv => $"{kv.Key} {kv.Value}"))}; {checkedSlots} slots' propensities checked");
        foreach (var b in Enum.GetValues<Behaviour>()) Assert.True(byBehaviour.GetValueOrDefault(b) >= 3, $"too few slates answered {b}: {byBehaviour.GetValueOrDefault(b)}");
        Assert.True(checkedSlots >= 500, $"only {checkedSlots} slots checked");
        // the summary counts each failure by its name
        foreach (var reason in new[] { "ok", "http-500", "bad-json", "wrong-ids", "missing-scores", "not-finite", "timeout" }) Assert.Contains(" " + reason, stdout);
    }

    [Fact]
    public async Task A_service_that_keeps_failing_opens_the_circuit_and_is_no_longer_called_while_it_is_open()
    {
        await using var service = new RankingService(_ => Behaviour.Http500);
        using var dir = new TempDir();
        var (code, stdout, _) = await RunAsync(dir, service.Url, ("AFU__FEED__EXTERNAL__TEST__BREAKER_FAILURES", "3"), ("AFU__FEED__EXTERNAL__TEST__BREAKER_RESET", "1h"));
        Assert.Equal(0, code);
        using var db = new Db(Path.Combine(dir.Path, "afu.db"));
        var policies = db.Rows("SELECT policy, COUNT(DISTINCT slate_id) FROM impressions GROUP BY policy", r => (r.GetString(0), r.GetInt64(1))).ToDictionary();
        output.WriteLine(string.Join(", ", policies.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.DoesNotContain("external:test", policies.Keys);
        Assert.True(policies.GetValueOrDefault("fallback:popular") >= 50, "slates were served by the fallback");
        // three failures open it; the half-open probe comes only after an hour of real time: no more calls than the
        // slates asked for while the first three were in flight
        Assert.InRange(service.Calls, 3, 32);
        Assert.Contains("breaker-open", stdout);
    }

    [PythonFact]
    public async Task The_reference_service_in_examples_trains_on_an_obd_export_and_ranks_every_slate_of_a_run()
    {
        using var dir = new TempDir();
        string[] common = ["run", "--users", "30", "--seed", "4", "--time-scale", "max", "--duration", "120s", "--llm", "builtin"];
        var env = TestEnv.Isolated(("AFU__SESSIONS__INTERVAL", "20m"), ("AFU__POSTING__INTERVAL", "30m"));
        Assert.Equal(0, await AfuApp.RunAsync([.. common, "--sim-duration", "2h", "--data-dir", dir.File("logged")], new StringWriter(), new StringWriter(), CancellationToken.None, env));
        Assert.Equal(0, await AfuApp.RunAsync(["export", "--format", "obd", "--out", dir.File("obd"), "--data-dir", dir.File("logged")],
            new StringWriter(), new StringWriter(), CancellationToken.None, env));

        var script = Path.Combine(AkkaFakeUsers.Tests.Design.NamespaceDependencyTests.RepoRoot(), "examples", "reference_policy.py");
        var train = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3", [script, "train", Path.Combine(dir.File("obd"), "obd.csv"), "--model", dir.File("model.json")])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var trained = await train.StandardOutput.ReadToEndAsync() + await train.StandardError.ReadToEndAsync();
        await train.WaitForExitAsync();
        output.WriteLine(trained);
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("trained on", trained);

        var port = Ports.Free();
        using var serve = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3", [script, "serve", "--model", dir.File("model.json"), "--port", port.ToString()])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(20));
            var stdout = new StringWriter();
            var code = await AfuApp.RunAsync([.. common, "--sim-duration", "1h", "--feed-policy", "external:ref", "--data-dir", dir.File("ranked")], stdout, new StringWriter(),
                CancellationToken.None, TestEnv.Isolated(("AFU__SESSIONS__INTERVAL", "20m"), ("AFU__POSTING__INTERVAL", "30m"),
                    ("AFU__FEED__EXTERNAL__REF__URL", $"http://127.0.0.1:{port}/score"), ("AFU__FEED__EXTERNAL__REF__TIMEOUT", "5s")));
            output.WriteLine(stdout.ToString());
            Assert.Equal(0, code);
            using var db = new Db(Path.Combine(dir.File("ranked"), "afu.db"));
            var policies = db.Rows("SELECT policy, COUNT(DISTINCT slate_id) FROM impressions GROUP BY policy", r => (r.GetString(0), r.GetInt64(1))).ToDictionary();
            output.WriteLine(string.Join(", ", policies.Select(kv => $"{kv.Key} {kv.Value}")));
            Assert.True(policies.GetValueOrDefault("external:ref") >= 30, "slates ranked by the reference service");
            Assert.Empty(policies.Keys.Where(p => p.StartsWith("fallback:", StringComparison.Ordinal)));
            using var http = new HttpClient();
            var health = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/health")).RootElement;
            Assert.True(health.GetProperty("requests").GetInt32() >= policies["external:ref"]);
            Assert.Equal(0, health.GetProperty("bad").GetInt32());
        }
        finally
        {
            serve.Kill();
        }
    }

    [Fact]
    public async Task An_external_policy_without_a_url_is_refused_before_the_run_starts()
    {
        using var dir = new TempDir();
        var stderr = new StringWriter();
        var code = await AfuApp.RunAsync(["run", "--users", "5", "--duration", "5s", "--feed-policy", "interest=0.5, external:mymodel=0.5", "--data-dir", dir.Path],
            new StringWriter(), stderr, CancellationToken.None, TestEnv.Isolated());
        Assert.Equal(2, code);
        Assert.Contains("afu.feed.external.mymodel.url is not set", stderr.ToString());
        Assert.False(File.Exists(Path.Combine(dir.Path, "afu.db")), "nothing is written");
    }
}
