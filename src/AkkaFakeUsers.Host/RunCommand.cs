using System.Collections;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaFakeUsers.Host;

/// <summary><c>afu run</c>: starts a node, shows a live status line, drains and prints a summary at the end.</summary>
public static class RunCommand
{
    public static async Task<int> ExecuteAsync(ParsedArgs args, TextWriter stdout, TextWriter stderr, IDictionary env, CancellationToken cancel)
    {
        var duration = CommandSettings.Duration(args);
        var settings = CommandSettings.Load(args, env);
        var store = await StoragePreparer.PrepareAsync(settings, cancel);
        var generator = await LlmSelection.ChooseAsync(settings.Llm, stdout, cancel);
        var known = await store.Journal.KnownUsersAsync(cancel);

        await stdout.WriteLineAsync(
            $"afu: {settings.TargetUserCount} users, seed {settings.Seed}, storage {Describe(settings)}, generator {generator.Name}, " +
            $"time-scale {settings.TimeScale}, {(duration is { } dd ? $"for {dd}" : "until Ctrl+C")}");

        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s => s.AddAkkaFakeUsers(settings, generator, store, known))
            .UseConsoleLifetime(o => o.SuppressStatusMessages = true)
            .Build();

        try
        {
            await host.StartAsync(cancel);
        }
        catch (Exception)
        {
            await host.StopAsync(CancellationToken.None);
            throw;
        }
        var inspection = host.Services.GetRequiredService<InspectionHostedService>();
        await stdout.WriteLineAsync($"afu: inspection port {inspection.EndPoint} (afu inspect --port {inspection.EndPoint?.Port} help)");
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var metrics = host.Services.GetRequiredService<UserMetrics>();
        HealthEndpoint? health = null;
        if (settings.Health.Port >= 0)
        {
            try
            {
                health = await HealthEndpoint.StartAsync(settings, host.Services.GetRequiredService<Akka.Actor.ActorSystem>(), registry, metrics, store);
                await stdout.WriteLineAsync($"afu: health and metrics at {health.Uri}healthz/ready and {health.Uri}metrics");
            }
            catch (IOException ex)
            {
                await host.StopAsync(CancellationToken.None);
                throw new FatalRunException($"cannot open the health/metrics port {settings.Health.Host}:{settings.Health.Port}: {ex.Message} (set AFU__HEALTH__PORT; 0 = any free port, -1 = off)", ex);
            }
        }
        var started = Stopwatch.StartNew();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, lifetime.ApplicationStopping);
        if (duration is { } limit) stop.CancelAfter(limit);
        var status = new StatusLine(stdout, registry, metrics, settings);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(settings.StatusInterval, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                await status.PrintAsync(started.Elapsed);
            }
            status.EndLine();
            await stdout.WriteLineAsync("afu: stopping: pausing users, letting the projection catch up…");
            if (health is not null) await health.DisposeAsync();
            var drainWatch = Stopwatch.StartNew();
            var system = host.Services.GetRequiredService<Akka.Actor.ActorSystem>();
            var drained = await Drain(registry, system);
            await stdout.WriteLineAsync(drained is null
                ? "afu: other nodes stay up: handing this node's users over to them; leaving the cluster…"
                : $"afu: drained in {drainWatch.Elapsed.TotalSeconds:F1}s (projection lag {drained.Lag}); leaving the cluster…");
            drainWatch.Restart();
            await host.StopAsync(CancellationToken.None);
            await stdout.WriteLineAsync($"afu: node stopped in {drainWatch.Elapsed.TotalSeconds:F1}s");
            var counts = await store.CountsAsync(CancellationToken.None);
            await stdout.WriteLineAsync(Summary(settings, counts, drained, started.Elapsed, metrics));
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"afu run: failed: {ex.Message}");
            await host.StopAsync(CancellationToken.None);
            return 1;
        }
    }

    /// <summary>
    /// The last node of the cluster: pause every user (no new posts or reactions), wait for in-flight persists, then
    /// for the projection to reach the journal's end. A node that leaves while others stay only hands its users over
    /// (sharding stops them behind their in-flight persists; the others' sweeps wake them there).
    /// </summary>
    public static async Task<ProjectionStatus?> Drain(ActorRegistry registry, Akka.Actor.ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var others = cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress));
        if (others > 0) return null;
        try
        {
            var manager = await registry.GetAsync<SimulationManager>();
            await manager.Ask<SimulationStatus>(new SetPaused(true), TimeSpan.FromSeconds(30));
            await Task.Delay(500);
            var projection = await registry.GetAsync<ProjectionActor>();
            return await projection.Ask<ProjectionStatus>(new WaitForCatchUp(TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(40));
        }
        catch (Exception)
        {
            return null; // the tables catch up on the next start: the projection resumes from its stored offset
        }
    }

    private static string Describe(AfuSettings s) => s.Storage == StorageKind.Sqlite ? $"sqlite ({s.SqlitePath})" : $"postgres ({StoragePreparer.SafeTarget(s.PostgresConnectionString)})";

    private static string Summary(AfuSettings s, TableCounts c, ProjectionStatus? drained, TimeSpan elapsed, UserMetrics m)
    {
        var lag = drained is null ? "unknown (projection did not answer; it resumes on next start)" : drained.Lag.ToString();
        return $"""
            afu: summary after {elapsed:hh\:mm\:ss}
              users             {c.Users}
              posts             {c.Posts}
              views             {c.Views}
              likes             {c.Likes}
              comments          {c.Comments}
              follows           {c.Follows}
              projection lag    {lag} events
              events persisted  {m.Events} this run ({m.PersistFailures} writes failed)
              database          {Describe(s)}
            """;
    }
}

/// <summary>The live status line: users, posts, views, likes, comments, LLM queue depth, events/s, projection lag.</summary>
public sealed class StatusLine(TextWriter output, ActorRegistry registry, UserMetrics metrics, AfuSettings settings)
{
    private readonly bool _interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private long _lastEvents;
    private TimeSpan _lastAt;
    private TimeSpan? _lastPrinted;
    private int _width;

    public async Task PrintAsync(TimeSpan elapsed)
    {
        var events = metrics.Events;
        var rate = (events - _lastEvents) / Math.Max(0.001, (elapsed - _lastAt).TotalSeconds);
        _lastEvents = events;
        _lastAt = elapsed;
        var llm = await registry.TryAskAsync<LlmGateway, LlmStatus>(GetLlmStatus.Instance, TimeSpan.FromMilliseconds(500));
        var proj = await registry.TryAskAsync<ProjectionActor, ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromMilliseconds(500));
        var line = $"[{elapsed:hh\\:mm\\:ss}] users {metrics.UsersActive}/{settings.TargetUserCount} | posts {metrics.Posts} | views {metrics.Views} | likes {metrics.Likes} | comments {metrics.Comments}" +
                   $" | llm {Llm(llm)} | {rate:F1} events/s | projection lag {proj?.Lag.ToString() ?? "?"}";
        if (_interactive)
        {
            _width = Math.Max(_width, line.Length);
            await output.WriteAsync("\r" + line.PadRight(_width));
        }
        else if (_lastPrinted is null || elapsed - _lastPrinted.Value >= TimeSpan.FromSeconds(5))
        {
            _lastPrinted = elapsed;
            await output.WriteLineAsync(line);
        }
    }

    private static string Llm(LlmStatus? s) => s is null
        ? "?"
        : s.Primary == BuiltInGenerator.GeneratorName
            ? $"builtin queue {s.QueueDepth}"
            : $"{s.Primary} {s.Breaker} queue {s.QueueDepth} in-flight {s.InFlight} fallbacks {s.Fallbacks} p95 {s.LatencyP95Ms:F0}ms";

    public void EndLine()
    {
        if (_interactive) output.WriteLine();
    }

}
