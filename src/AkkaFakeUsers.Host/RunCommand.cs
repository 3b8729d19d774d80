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
    /// <summary>
    /// A fixed cluster port already taken fails here, before anything starts, in one line (inside the host's start it
    /// would fail deep in Akka.Remote, which prints its own stack traces).
    /// </summary>
    private static void EnsureClusterPortFree(AfuSettings settings)
    {
        if (settings.Cluster.Port == 0) return;
        var address = settings.Cluster.Hostname is "localhost" ? System.Net.IPAddress.Loopback
            : System.Net.IPAddress.TryParse(settings.Cluster.Hostname, out var a) ? a : System.Net.IPAddress.Any;
        var probe = new System.Net.Sockets.TcpListener(address, settings.Cluster.Port);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new FatalRunException($"cannot open the cluster port {settings.Cluster.Hostname}:{settings.Cluster.Port} ({ex.SocketErrorCode}): another afu run? set AFU__CLUSTER__PORT (0 = any free port)", ex);
        }
        finally
        {
            probe.Stop();
        }
    }

    private static string RunLength(AfuSettings s, TimeSpan? duration)
    {
        var sim = s.ClockSettings.RunFor > TimeSpan.Zero ? $"{AkkaFakeUsers.Clock.ClockStatus.Span(s.ClockSettings.RunFor)} simulated" : null;
        var real = duration is { } d ? $"{d} real" : null;
        return (sim, real) switch
        {
            (null, null) => "until Ctrl+C",
            (null, _) => $"for {real}",
            (_, null) => $"for {sim}",
            _ => $"for {sim} or {real}, whichever ends first",
        };
    }

    /// <summary>"time-scale 60 (a real second is 60 simulated seconds)": what the number means, said at the start.</summary>
    public static string TimeScaleInWords(AfuSettings s) => s.TimeScale switch
    {
        double.PositiveInfinity => "time-scale max (as fast as the machine allows)",
        1 => "time-scale 1 (real time)",
        var x => $"time-scale {s.TimeScaleText} (a real second is {s.TimeScaleText} simulated second{(x == 1 ? "" : "s")})",
    };

    public static async Task<int> ExecuteAsync(ParsedArgs args, TextWriter stdout, TextWriter stderr, IDictionary env, CancellationToken cancel)
    {
        var duration = CommandSettings.Duration(args);
        var settings = CommandSettings.Load(args, env);
        // --fork-from: checked before anything is written; the run resumes at --at exactly
        var fork = await ForkStart.PlanAsync(args, settings, cancel);
        if (fork is not null) settings = settings with { SimStart = fork.At };
        EnsureClusterPortFree(settings);
        var store = await StoragePreparer.PrepareAsync(settings, cancel);
        AkkaFakeUsers.Feed.WarmPool? warm = null;
        if (fork is not null)
        {
            await stdout.WriteLineAsync(ForkStart.Line(fork, await StoreFork.CopyAsync(fork, store, cancel)));
            var (posts, likes) = await StoreFork.WarmPoolAsync(fork, settings.Feed.MaxPostAge, settings.Feed.PoolSize, cancel);
            warm = new AkkaFakeUsers.Feed.WarmPool(posts, likes);
            await stdout.WriteLineAsync($"afu: the feed starts with the source's pool at {fork.At:yyyy-MM-dd'T'HH:mm:ss'Z'}: {warm.Posts.Count:N0} posts of the last {settings.Feed.MaxPostAge.TotalHours:0.#}h and their {warm.Likes.Count:N0} likes");
        }
        var generator = await LlmSelection.ChooseAsync(settings.Llm, stdout, cancel);
        var known = await store.Journal.KnownUsersAsync(settings.UserRules().Sleeps, cancel);
        var newest = await store.NewestPostAtAsync(cancel);

        await stdout.WriteLineAsync(
            $"afu: {settings.TargetUserCount} users, profile {settings.Profile}, seed {settings.Seed}, storage {RunReport.Describe(settings)}, generator {generator.Name}, " +
            $"{TimeScaleInWords(settings)}, simulated time from {settings.StartAt(DateTime.UtcNow, newest):yyyy-MM-dd HH:mm} UTC, {RunLength(settings, duration)}");
        if (newest is { } n && n >= settings.StartAt(DateTime.UtcNow))
            await stdout.WriteLineAsync($"afu: simulated time carries on from the newest post in the store, {n:yyyy-MM-dd HH:mm:ss} UTC " +
                                        "(a restarted run never stamps new data before what it wrote earlier)");

        using var host = new HostBuilder()
            // the host's own "failed to start" (a stack trace) is dropped: afu reports that failure itself, in one line
            .ConfigureLogging(l => l.ClearProviders()
                .AddConsole(o => o.FormatterName = OneLineConsoleFormatter.Name)
                .AddConsoleFormatter<OneLineConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>()
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None))
            .ConfigureServices(s => s
                .AddAkkaFakeUsers(settings, generator, store, known, newest, warm)
                // the drain (a CoordinatedShutdown task) may take up to its phase's timeout (45 s)
                .Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60)))
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
        if (host.Services.GetRequiredService<Clock.SimulationClock>().Schedule.Asleep is var asleep and > 0)
            await stdout.WriteLineAsync($"afu: {asleep:N0} users of the store start asleep, their first post and session planned: each recovers from the journal when one falls due");
        await stdout.WriteLineAsync($"afu: inspection port {inspection.EndPoint} (afu inspect --port {inspection.EndPoint?.Port} help)");
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var metrics = host.Services.GetRequiredService<UserMetrics>();
        NodeHttp? http = null;
        if (settings.Health.Port >= 0 || settings.Dashboard.Port >= 0)
        {
            try
            {
                http = await NodeHttp.StartAsync(settings, host.Services, store);
                if (http.HealthUri is { } h) await stdout.WriteLineAsync($"afu: health and metrics at {h}healthz/ready and {h}metrics");
                if (http.DashboardUri is { } d) await stdout.WriteLineAsync($"afu: dashboard at {d}");
            }
            catch (IOException ex)
            {
                await host.StopAsync(CancellationToken.None);
                throw new FatalRunException($"cannot open the HTTP ports (health {settings.Health.Host}:{settings.Health.Port}, dashboard {settings.Dashboard.Host}:{settings.Dashboard.Port}): {ex.Message} " +
                    "(set AFU__HEALTH__PORT and AFU_DASHBOARD_PORT; 0 = any free port, -1 = off)", ex);
            }
        }
        var started = Stopwatch.StartNew();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, lifetime.ApplicationStopping);
        if (duration is { } limit) stop.CancelAfter(limit);
        // --sim-duration: the run ends once the clock has covered it and the work due before its end is done
        var clock = host.Services.GetRequiredService<AkkaFakeUsers.Clock.SimulationClock>();
        _ = clock.Finished.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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
            var clockAtStop = await registry.TryAskAsync<AkkaFakeUsers.Clock.ClockDriverActor, AkkaFakeUsers.Clock.ClockStatus>(AkkaFakeUsers.Clock.GetClockStatus.Instance,
                TimeSpan.FromSeconds(2));
            if (settings.Feed.Externals is { Count: > 0 }
                && await registry.TryAskAsync<AkkaFakeUsers.Feed.FeedActor, AkkaFakeUsers.Feed.FeedStatus>(AkkaFakeUsers.Feed.GetFeedStatus.Instance, TimeSpan.FromSeconds(2)) is { } feed)
                await stdout.WriteLineAsync(RunReport.External(feed));
            await stdout.WriteLineAsync("afu: stopping (the node drains on shutdown: the last node pauses users and lets the projection catch up)…");
            if (http is not null) await http.DisposeAsync();
            var stopWatch = Stopwatch.StartNew();
            await host.StopAsync(CancellationToken.None);
            var drain = host.Services.GetRequiredService<DrainReport>().Completed;
            var outcome = drain.IsCompleted ? await drain : null;
            await stdout.WriteLineAsync(RunReport.Drained(outcome));
            await stdout.WriteLineAsync($"afu: node stopped in {stopWatch.Elapsed.TotalSeconds:F1}s");
            var counts = await store.CountsAsync(CancellationToken.None);
            // wake-ups counted to the end, as the recoveries are: the drain wakes users it finds falling asleep
            var atStop = clockAtStop ?? status.LastClock;
            await stdout.WriteLineAsync(RunReport.Summary(settings, counts, outcome, started.Elapsed, metrics,
                atStop is null ? null : atStop with { Wakes = clock.Schedule.Woken, Asleep = clock.Schedule.Asleep }));
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"afu run: failed: {ex.Message}");
            await host.StopAsync(CancellationToken.None);
            return 1;
        }
    }
}
