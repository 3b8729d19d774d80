using AkkaFakeUsers.Simulation;
using System.Diagnostics;
using Akka.Actor;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.FakeOllama;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Bench;

/// <summary>
/// Drives more demand than an Ollama-compatible server with P parallel slots and latency L can serve, through the
/// gateway and, for comparison, through a naive client that calls Ollama directly from every user at once.
/// Ceiling = P / L requests per second. Then the busy share of the server's slots (the server's own time serving texts)
/// under sustained demand: U users each asking for their next text as soon as the last one came back, through the
/// gateway with max-in-flight = P and 0, 1 and 2 calls kept waiting in the server's queue, on an idle node and on a
/// node whose dispatcher is busy; beside it a plain client that sends the next request the moment one returns.
/// </summary>
public static class LlmGatewayBench
{
    private const string Model = "gemma3:270m";

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var parallel = o.Int("parallel");
        var queue = o.Int("server-queue");
        var requests = o.Int("requests");
        var results = new List<object>();
        foreach (var latencyMs in new[] { o.Int("latency-ms"), o.Int("latency-ms-2") })
        {
            var ceiling = parallel / (latencyMs / 1000.0);
            Console.WriteLine($"\n== llm-gateway: server parallel {parallel}, server queue {queue}, latency {latencyMs} ms, {requests} requests at once; ceiling {ceiling:F1} req/s");
            var gateway = await Gateway(parallel, queue, latencyMs, requests);
            var naive = await Naive(parallel, queue, latencyMs, requests);
            Print("gateway", gateway, ceiling);
            Print("naive", naive, ceiling);
            results.Add(new { parallel, server_queue = queue, latency_ms = latencyMs, requests, ceiling_rps = ceiling, gateway = Figures(gateway, ceiling), naive = Figures(naive, ceiling) });
        }
        var busy = await BusyShares(parallel, o.Int("latency-ms"), o.Int("users"), o.Int("seconds"));
        await o.WriteAsync("llm-gateway", new { bursts = results, busy_share = busy });
        return 0;
    }

    private sealed record Busy(string Client, int ServerQueue, bool BusyNode, int Texts, int Fallbacks, double Share, int MaxConcurrent, int Server503);

    private static async Task<List<Busy>> BusyShares(int parallel, int latencyMs, int users, int seconds)
    {
        Console.WriteLine($"\n== busy share of the server's {parallel} slots: {users} users asking back to back for {seconds} s (first 2 s not counted), {latencyMs} ms per text");
        var runs = new List<Busy> { await Plain(parallel, latencyMs, seconds) };
        Report(runs[^1]);
        foreach (var busyNode in new[] { false, true })
        foreach (var serverQueue in new[] { 0, 1, 2 })
        {
            runs.Add(await Sustained(parallel, latencyMs, users, seconds, serverQueue, busyNode));
            Report(runs[^1]);
        }
        return runs;

        static void Report(Busy b) => Console.WriteLine(
            $"{b.Client,-8} server-queue {b.ServerQueue}  node {(b.BusyNode ? "busy" : "idle"),-4}  busy share {b.Share:F3}  texts {b.Texts,5}  fallbacks {b.Fallbacks,4}  " +
            $"max generating at once {b.MaxConcurrent}  server 503s {b.Server503}");
    }

    /// <summary>P loops, each sending its next request the moment the last one returns.</summary>
    private static async Task<Busy> Plain(int parallel, int latencyMs, int seconds)
    {
        await using var server = await FakeOllamaServer.StartAsync(parallel, 512, Model);
        server.Latency = TimeSpan.FromMilliseconds(latencyMs);
        using var gen = new OllamaGenerator(server.Uri, Model);
        await gen.GenerateAsync(Req(0), CancellationToken.None);
        server.ResetCounters();
        var (from, to) = Window(seconds);
        var texts = 0;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async i =>
        {
            while (Stopwatch.GetTimestamp() < to)
            {
                await gen.GenerateAsync(Req(i), CancellationToken.None);
                Interlocked.Increment(ref texts);
            }
        }));
        return new Busy("plain", 0, false, texts, 0, server.BusyShare(from, to), server.MaxConcurrent, server.Rejected503);
    }

    private static async Task<Busy> Sustained(int parallel, int latencyMs, int users, int seconds, int serverQueue, bool busyNode)
    {
        await using var server = await FakeOllamaServer.StartAsync(parallel, 512, Model);
        server.Latency = TimeSpan.FromMilliseconds(latencyMs);
        using var gen = new OllamaGenerator(server.Uri, Model);
        using var system = ActorSystem.Create("bench", "akka.loglevel = ERROR");
        var settings = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>()).Llm with
        {
            MaxInFlight = parallel, ServerQueue = serverQueue, MaxQueue = 1000, Timeout = TimeSpan.FromSeconds(60), BreakerMaxFailures = 1000,
        };
        var gw = system.ActorOf(Props.Create(() => new LlmGatewayActor(gen, settings)));
        await gw.Ask<TextGenerated>(new GenerateText(-1, Req(0)), TimeSpan.FromSeconds(10));
        server.ResetCounters();
        var (from, to) = Window(seconds);
        // a busy node: actors on the default dispatcher given work from outside, as a large population is (its timers,
        // the journal's answers), at ~90% of every core
        var load = busyNode ? Burner.Load(system, to) : null;
        int texts = 0, fallbacks = 0;
        await Task.WhenAll(Enumerable.Range(0, users).Select(async i =>
        {
            while (Stopwatch.GetTimestamp() < to)
            {
                var r = await gw.Ask<TextGenerated>(new GenerateText(i, Req(i)), TimeSpan.FromMinutes(1));
                Interlocked.Increment(ref r.FallbackReason is null ? ref texts : ref fallbacks);
            }
        }));
        if (load is not null) await load;
        await system.Terminate();
        return new Busy("gateway", serverQueue, busyNode, texts, fallbacks, server.BusyShare(from, to), server.MaxConcurrent, server.Rejected503);
    }

    /// <summary>The measured window: from 2 s after now to the end of the run.</summary>
    private static (long From, long To) Window(int seconds)
    {
        var now = Stopwatch.GetTimestamp();
        return (now + 2 * Stopwatch.Frequency, now + (2 + seconds) * Stopwatch.Frequency);
    }

    /// <summary>Spins half a millisecond per message.</summary>
    private sealed class Burner : ReceiveActor
    {
        private sealed record Burn
        {
            public static readonly Burn Instance = new();
        }

        public Burner() => Receive<Burn>(_ =>
        {
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2000;
            while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
        });

        /// <summary>Until <paramref name="until"/>, every 10 ms: 90% of the cores' 10 ms as half-millisecond messages to 64 burners.</summary>
        public static Task Load(ActorSystem system, long until)
        {
            var burners = Enumerable.Range(0, 64).Select(_ => system.ActorOf(Props.Create(() => new Burner()))).ToArray();
            var perTick = (int)(Environment.ProcessorCount * 10 / 0.5 * 0.9);
            return Task.Factory.StartNew(() =>
            {
                var next = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    for (var i = 0; i < perTick; i++) burners[next++ % burners.Length].Tell(Burn.Instance);
                    Thread.Sleep(10);
                }
            }, TaskCreationOptions.LongRunning);
        }
    }

    private sealed record Run(int Ollama, int Fallback, int Errors503, int OtherErrors, double Seconds, int MaxConcurrent, int ServerRejected503, double QueueWaitP99Ms);

    private static object Figures(Run r, double ceiling) => new
    {
        ollama_texts = r.Ollama,
        fallback_texts = r.Fallback,
        errors_503 = r.Errors503,
        other_errors = r.OtherErrors,
        seconds = Math.Round(r.Seconds, 3),
        throughput_rps = Math.Round(r.Ollama / r.Seconds, 2),
        efficiency = Math.Round(r.Ollama / r.Seconds / ceiling, 3),
        max_concurrent_at_server = r.MaxConcurrent,
        server_503s = r.ServerRejected503,
        queue_wait_p99_ms = Math.Round(r.QueueWaitP99Ms, 1),
    };

    private static void Print(string who, Run r, double ceiling) =>
        Console.WriteLine($"{who,-8} ollama texts {r.Ollama,4}  fallbacks {r.Fallback,4}  503s {r.Errors503,4}  other errors {r.OtherErrors,3}  " +
                          $"{r.Ollama / r.Seconds,7:F2} req/s  efficiency {r.Ollama / r.Seconds / ceiling:F3}  max concurrent at server {r.MaxConcurrent}  " +
                          $"server 503s {r.ServerRejected503}  queue wait p99 {r.QueueWaitP99Ms:F0} ms  ({r.Seconds:F2} s)");

    private static ContentRequest Req(int i) => new(TextKind.Post, $"user-{i}", "tech", "AI", new Persona("casual", 0.3, 0.3), i);

    private static async Task<Run> Gateway(int parallel, int queue, int latencyMs, int requests)
    {
        await using var server = await FakeOllamaServer.StartAsync(parallel, queue, Model);
        server.Latency = TimeSpan.FromMilliseconds(latencyMs);
        using var gen = new OllamaGenerator(server.Uri, Model);
        using var system = ActorSystem.Create("bench", "akka.loglevel = ERROR");
        var settings = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>()).Llm with
        {
            MaxInFlight = parallel, MaxQueue = requests, Timeout = TimeSpan.FromSeconds(60), BreakerMaxFailures = 1000,
        };
        var gw = system.ActorOf(Props.Create(() => new LlmGatewayActor(gen, settings)));
        // warm-up (connection pool, JIT)
        await gw.Ask<TextGenerated>(new GenerateText(-1, Req(0)), TimeSpan.FromSeconds(10));
        server.ResetCounters();

        var sw = Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, requests).Select(i => gw.Ask<TextGenerated>(new GenerateText(i, Req(i)), TimeSpan.FromMinutes(5))));
        sw.Stop();
        var status = await gw.Ask<LlmStatus>(GetLlmStatus.Instance);
        await system.Terminate();
        return new Run(replies.Count(r => r.Text.GeneratedBy == "ollama"), replies.Count(r => r.Text.GeneratedBy != "ollama"),
            0, 0, sw.Elapsed.TotalSeconds, server.MaxConcurrent, server.Rejected503, status.QueueWaitP99Ms);
    }

    /// <summary>Every user calls Ollama itself, all at once, no gateway: what the simulation would do without one.</summary>
    private static async Task<Run> Naive(int parallel, int queue, int latencyMs, int requests)
    {
        await using var server = await FakeOllamaServer.StartAsync(parallel, queue, Model);
        server.Latency = TimeSpan.FromMilliseconds(latencyMs);
        using var gen = new OllamaGenerator(server.Uri, Model);
        await gen.GenerateAsync(Req(0), CancellationToken.None);
        server.ResetCounters();

        var sw = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            try
            {
                await gen.GenerateAsync(Req(i), CancellationToken.None);
                return "ok";
            }
            catch (LlmCallException ex)
            {
                return ex.Kind;
            }
        }));
        sw.Stop();
        return new Run(outcomes.Count(x => x == "ok"), 0, outcomes.Count(x => x == "http-503"), outcomes.Count(x => x != "ok" && x != "http-503"),
            sw.Elapsed.TotalSeconds, server.MaxConcurrent, server.Rejected503, 0);
    }
}
