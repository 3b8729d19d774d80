using AkkaFakeUsers.Configuration;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Bench;

/// <summary>
/// Starts N users on one node (built-in generator, no posting during the measurement), and reports the time until all
/// are created, memory per user (RSS and managed heap delta / N, once every user is awake or asleep: with nothing due
/// for a year they all fall asleep), the time until all are back after a restart, and then a while of activity (posts
/// every hour, sessions every two, x60: the users' timers are planned anew by that start): wake-ups per second, the
/// share of users awake, RSS. Slates per second are `bench feed`'s.
/// </summary>
public static class ScaleBench
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var sizes = o.String("users")!.Split(',').Select(int.Parse).ToArray();
        var stores = o.Stores();
        var pg = o.String("postgres") ?? Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES");
        var limit = TimeSpan.FromSeconds(o.Int("timeout-s"));
        var sleepAfter = Durations.TryParse(o.String("sleep-after") ?? "1h", out var sa) ? sa : throw new ArgumentException("--sleep-after: a duration such as 1h or 0");
        var active = TimeSpan.FromSeconds(o.Int("active-s"));
        var results = new List<object>();
        foreach (var store in stores)
        {
            if (store == "postgres" && pg is null)
            {
                Console.WriteLine("postgres: skipped (give --postgres or set AFU_TEST_POSTGRES)");
                continue;
            }
            foreach (var n in sizes)
                results.Add(await Measure(store, n, pg, limit, sleepAfter, active));
        }
        await o.WriteAsync("scale", results);
        return 0;
    }

    private static long Rss()
    {
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    /// <summary>The process's peak RSS since the last <see cref="ResetPeakRss"/> (Linux VmHWM), or -1 where unknown.</summary>
    private static long PeakRss()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { return -1; }
    }

    /// <summary>Resets the peak RSS (Linux: 5 to /proc/self/clear_refs), so each store's peak is its own.</summary>
    private static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static async Task<object> Measure(string storeName, int users, string? pg, TimeSpan limit, TimeSpan sleepAfter, TimeSpan active)
    {
        Console.WriteLine($"\n== scale: {users} users on {storeName}, sleep-after {(sleepAfter > TimeSpan.Zero ? sleepAfter : "off")}");
        var dir = Path.Combine(Path.GetTempPath(), "afu-scale-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        string? dbName = null;
        var settings = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>()) with
        {
            Seed = 1, DataDir = dir, UserCount = users, PostInterval = TimeSpan.FromDays(365), EnsureBatch = 2000,
            Inspection = new InspectionSettings("127.0.0.1", 0, ""), SleepAfter = sleepAfter,
        };
        // creation and recovery are measured: no sessions meanwhile either
        settings = settings with { Sessions = settings.Sessions with { Interval = TimeSpan.FromDays(365) } };
        if (storeName == "postgres")
        {
            dbName = "afu_scale_" + Guid.NewGuid().ToString("N")[..8];
            await BenchPostgres.Exec(pg!, $"CREATE DATABASE {dbName}");
            settings = settings with { Storage = StorageKind.Postgres, PostgresConnectionString = new NpgsqlConnectionStringBuilder(pg) { Database = dbName, MaxPoolSize = 50 }.ToString() };
        }
        try
        {
            var store = await StoragePreparer.PrepareAsync(settings, CancellationToken.None);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            ResetPeakRss();
            var rssBefore = Rss();
            var heapBefore = GC.GetTotalMemory(true);

            // 1. create everybody
            var (host, metrics, clock) = await StartNode(settings, store);
            var sw = Stopwatch.StartNew();
            var created = await WaitFor(() => metrics.UsersCreated >= users, limit);
            var createSeconds = sw.Elapsed.TotalSeconds;
            // every user awake or asleep, and the ones falling asleep done with it (the number asleep unchanged for 2 s)
            await WaitFor(() => metrics.UsersActive + clock.Schedule.Asleep >= users, limit);
            if (sleepAfter > TimeSpan.Zero) await Settled(() => clock.Schedule.Asleep, limit);
            var peakRss = PeakRss();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var rssPerUser = (Rss() - rssBefore) / (double)users;
            var heapPerUser = (GC.GetTotalMemory(true) - heapBefore) / (double)users;
            var (awakeAfterCreate, asleepAfterCreate) = (metrics.UsersActive, clock.Schedule.Asleep);
            Console.WriteLine($"created   {metrics.UsersCreated}/{users} in {createSeconds:F1}s{(created ? "" : " (timed out)")}; {awakeAfterCreate} awake, {asleepAfterCreate} asleep; " +
                $"RSS +{rssPerUser / 1024:F1} KiB/user, managed heap +{heapPerUser / 1024:F1} KiB/user (RSS {Rss() >> 20} MiB, peak {peakRss >> 20} MiB)");

            var registry = host.Services.GetRequiredService<ActorRegistry>();

            var mgr = await registry.GetAsync<SimulationManagerActor>();
            await mgr.Ask<SimulationStatus>(new SetPaused(true), TimeSpan.FromMinutes(2));
            await host.StopAsync();
            host.Dispose();

            // 3. restart: every user recovers (journal + snapshot) and is live again
            sw.Restart(); // from before the node starts: reading the journal's users and scheduling them count
            var (host2, metrics2, clock2) = await StartNode(settings, store);
            var recovered = await WaitFor(() => metrics2.UsersActive + clock2.Schedule.Asleep >= users, limit);
            var recoverSeconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"recovery  {metrics2.UsersActive + clock2.Schedule.Asleep}/{users} live again (awake or asleep) in {recoverSeconds:F1}s{(recovered ? "" : " (timed out)")}");
            await host2.StopAsync();
            host2.Dispose();

            // 4. a while of activity: the timers planned anew at a realistic rate; how often users wake, how many are awake
            object? activity = null;
            if (active > TimeSpan.Zero)
            {
                var busy = settings with
                {
                    PostInterval = TimeSpan.FromHours(1), Sessions = settings.Sessions with { Interval = TimeSpan.FromHours(2) }, TimeScale = 60,
                };
                var (host3, metrics3, clock3) = await StartNode(busy, store);
                await WaitFor(() => metrics3.UsersActive + clock3.Schedule.Asleep >= users, limit);
                var (wakes0, posts0, slates0, sim0) = (clock3.Schedule.Woken, metrics3.Posts, metrics3.Slates, clock3.Now);
                var awake = new List<long>();
                sw.Restart();
                while (sw.Elapsed < active)
                {
                    await Task.Delay(1000);
                    awake.Add(metrics3.UsersActive);
                }
                var seconds = sw.Elapsed.TotalSeconds;
                var wakesPerSecond = (clock3.Schedule.Woken - wakes0) / seconds;
                var shareAwake = awake.Average() / users;
                var effective = (clock3.Now - sim0).TotalSeconds / seconds;
                var rssActive = Rss();
                Console.WriteLine($"activity  {seconds:F0}s at x60 (posts every 1h, sessions every 2h; effective x{effective:N1}): {wakesPerSecond:N1} wake-ups/s, {shareAwake:P1} of users awake on average, " +
                    $"{(metrics3.Posts - posts0) / seconds:N1} posts/s, {(metrics3.Slates - slates0) / seconds:N1} slates/s, RSS {rssActive >> 20} MiB");
                activity = new
                {
                    seconds = Math.Round(seconds, 1), effective_time_scale = Math.Round(effective, 1), wake_ups_per_s = Math.Round(wakesPerSecond, 1), share_awake = Math.Round(shareAwake, 4),
                    posts_per_s = Math.Round((metrics3.Posts - posts0) / seconds, 1), slates_per_s = Math.Round((metrics3.Slates - slates0) / seconds, 1), rss_mib = rssActive >> 20,
                };
                await host3.StopAsync();
                host3.Dispose();
            }

            return new
            {
                store = storeName, users, sleep_after = sleepAfter.ToString(), created_s = Math.Round(createSeconds, 1), all_created = created,
                awake_after_create = awakeAfterCreate, asleep_after_create = asleepAfterCreate,
                rss_kib_per_user = Math.Round(rssPerUser / 1024, 2), peak_rss_mib_while_creating = peakRss >> 20, heap_kib_per_user = Math.Round(heapPerUser / 1024, 2),
                recovery_s = Math.Round(recoverSeconds, 1), all_recovered = recovered, activity,
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
            if (dbName is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await BenchPostgres.Exec(pg!, $"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)");
            }
        }
    }

    private static async Task<(IHost Host, UserMetrics Metrics, SimulationClock Clock)> StartNode(AfuSettings settings, TrainingStore store)
    {
        var known = await store.Journal.KnownUsersAsync(settings.SleepAfter > TimeSpan.Zero); // as `afu run` does: users new to the journal skip recovery
        var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddAkkaFakeUsers(settings, new BuiltInGenerator(), store, known))
            .Build();
        await host.StartAsync();
        return (host, host.Services.GetRequiredService<UserMetrics>(), host.Services.GetRequiredService<SimulationClock>());
    }

    /// <summary>Waits until <paramref name="read"/> gives the same value for 2 s in a row.</summary>
    private static async Task Settled(Func<long> read, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        var (last, since) = (read(), Stopwatch.StartNew());
        while (sw.Elapsed < limit && since.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(100);
            var now = read();
            if (now != last) (last, since) = (now, Stopwatch.StartNew());
        }
    }

    private static async Task<bool> WaitFor(Func<bool> condition, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) return false;
            await Task.Delay(100);
        }
        return true;
    }

}
