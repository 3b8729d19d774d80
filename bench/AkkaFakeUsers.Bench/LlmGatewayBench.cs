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
/// Ceiling = P / L requests per second.
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
        await o.WriteAsync("llm-gateway", results);
        return 0;
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
        var gw = system.ActorOf(Props.Create(() => new LlmGateway(gen, settings)));
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
