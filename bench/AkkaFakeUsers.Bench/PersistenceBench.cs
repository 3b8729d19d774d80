using System.Data.Common;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Serialization;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AkkaFakeUsers.Bench;

/// <summary>
/// Events/s that user-shaped persistent actors write through the simulation's journal (Akka.Persistence.Sql, the
/// afu serializer and tagger, one Persist per event as FakeUser does), beside a plain batched INSERT of the same
/// serialized rows into a table on the same database, measured in the same run; plus the projection's lag.
/// </summary>
public static class PersistenceBench
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var writers = o.Int("writers", 200);
        var seconds = o.Int("seconds", 10);
        var results = new List<object>();
        using (var dir = new TempFolder())
        {
            var settings = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>()) with
            {
                Seed = 1, DataDir = dir.Path, Storage = StorageKind.Sqlite,
            };
            results.Add(await Measure("sqlite", settings, writers, seconds));
        }
        var pg = o.String("postgres") ?? Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES");
        if (pg is null)
        {
            Console.WriteLine("postgres: skipped (give --postgres \"Host=…;Username=…;Database=postgres\" or set AFU_TEST_POSTGRES)");
        }
        else
        {
            var name = "afu_bench_" + Guid.NewGuid().ToString("N")[..8];
            await BenchPostgres.Exec(pg, $"CREATE DATABASE {name}");
            try
            {
                var cs = new NpgsqlConnectionStringBuilder(pg) { Database = name }.ToString();
                var settings = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>()) with
                {
                    Seed = 1, Storage = StorageKind.Postgres, PostgresConnectionString = cs,
                };
                results.Add(await Measure("postgres", settings, writers, seconds));
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await BenchPostgres.Exec(pg, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            }
        }
        await o.WriteAsync("persistence", results);
        return 0;
    }


    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "afu-bench-" + Guid.NewGuid().ToString("N")[..8]);

        public TempFolder() => Directory.CreateDirectory(Path);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }

    private static async Task<object> Measure(string name, AfuSettings settings, int writers, int seconds)
    {
        Console.WriteLine($"\n== persistence: {name}, {writers} writers, {seconds} s");
        var store = await StoragePreparer.PrepareAsync(settings, CancellationToken.None);
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddAkka("afu-bench", (b, _) => b
                .AddHocon(SettingsLoader.EmbeddedConf("akka.conf"), HoconAddMode.Prepend)
                .WithAfuSerialization()
                .WithAfuPersistence(settings)))
            .Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        var counter = new long[1];
        var stop = new CancellationTokenSource();
        var sw = Stopwatch.StartNew();
        for (var i = 1; i <= writers; i++)
        {
            var id = $"user-{i}";
            system.ActorOf(Props.Create<BenchWriter>(id, counter, stop.Token), id);
        }
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        stop.Cancel();
        var written = Interlocked.Read(ref counter[0]);
        var elapsed = sw.Elapsed.TotalSeconds;
        await Task.Delay(300); // let the last persists land
        // The projection starts once writing stops: its catch-up time is measured alone, and it takes no CPU from the writers.
        var journalRows = await store.JournalMaxOrderingAsync();
        var projection = system.ActorOf(Props.Create(() => new ProjectionActor(store)), "projection");
        var lagAtEnd = journalRows;
        var catchUp = Stopwatch.StartNew();
        var caught = await projection.Ask<ProjectionStatus>(new WaitForCatchUp(TimeSpan.FromSeconds(120)), TimeSpan.FromSeconds(130));
        var catchUpSeconds = catchUp.Elapsed.TotalSeconds;
        var journalRate = written / elapsed;

        // The same rows, serialized the same way, with a plain batched INSERT on the same database.
        var serialization = system.Serialization;
        var rows = Enumerable.Range(0, (int)Math.Min(written, 200_000)).Select(i => BenchWriter.Event($"user-{i % writers + 1}", i)).ToList();
        await host.StopAsync();
        var plainRate = await PlainInsertAsync(store, rows, serialization);
        var ratio = journalRate / plainRate;
        Console.WriteLine($"{name,-9} journal {journalRate,9:F0} events/s ({written} events)   plain batched insert {plainRate,9:F0} rows/s   ratio {ratio:F2}   " +
                          $"projection lag at end {lagAtEnd} events, caught up in {catchUpSeconds:F1}s (final lag {caught.Lag})");
        return new
        {
            store = name, writers, seconds, events = written,
            journal_events_per_s = Math.Round(journalRate), plain_insert_rows_per_s = Math.Round(plainRate), ratio = Math.Round(ratio, 3),
            projection_lag_at_end = lagAtEnd, projection_catch_up_s = Math.Round(catchUpSeconds, 2), projection_final_lag = caught.Lag,
        };
    }

    private static async Task<double> PlainInsertAsync(TrainingStore store, List<InteractionRecorded> rows, Akka.Serialization.Serialization serialization)
    {
        var payloads = rows.Select(r => (r.UserId, Bytes: serialization.FindSerializerFor(r).ToBinary(r))).ToList();
        await using var c = await store.OpenAsync();
        await using (var create = c.CreateCommand())
        {
            create.CommandText = store.Dialect == SqlDialect.Postgres
                ? "CREATE TABLE bench_plain (ordering BIGSERIAL PRIMARY KEY, persistence_id TEXT NOT NULL, sequence_number BIGINT NOT NULL, manifest TEXT NOT NULL, payload BYTEA NOT NULL)"
                : "CREATE TABLE bench_plain (ordering INTEGER PRIMARY KEY AUTOINCREMENT, persistence_id TEXT NOT NULL, sequence_number BIGINT NOT NULL, manifest TEXT NOT NULL, payload BLOB NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }
        const int batch = 500;
        var sw = Stopwatch.StartNew();
        for (var start = 0; start < payloads.Count; start += batch)
        {
            var chunk = payloads.Skip(start).Take(batch).ToList();
            await using var tx = await c.BeginTransactionAsync();
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            var values = new List<string>();
            for (var k = 0; k < chunk.Count; k++)
            {
                values.Add($"(@p{k}, @s{k}, 'InteractionRecorded', @b{k})");
                TrainingStore.AddParam(cmd, $"@p{k}", chunk[k].UserId);
                TrainingStore.AddParam(cmd, $"@s{k}", (long)(start + k));
                TrainingStore.AddParam(cmd, $"@b{k}", chunk[k].Bytes);
            }
            cmd.CommandText = "INSERT INTO bench_plain (persistence_id, sequence_number, manifest, payload) VALUES " + string.Join(",", values);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        return payloads.Count / sw.Elapsed.TotalSeconds;
    }


    /// <summary>Persists InteractionRecorded events back to back, one Persist each, like a very busy FakeUser.</summary>
    private sealed class BenchWriter : ReceivePersistentActor
    {
        private readonly string _id;
        private int _n;

        public BenchWriter(string id, long[] counter, CancellationToken stop)
        {
            _id = id;
            Recover<InteractionRecorded>(_ => _n++);
            Command<string>(_ =>
            {
                Persist(Event(_id, _n++), _ =>
                {
                    Interlocked.Increment(ref counter[0]);
                    if (!stop.IsCancellationRequested) Self.Tell("next");
                });
            });
        }

        public override string PersistenceId => FakeUser.PersistenceIdFor(_id);

        protected override void PreStart()
        {
            base.PreStart();
            Self.Tell("next");
        }

        public static InteractionRecorded Event(string userId, int n)
        {
            var post = $"user-{n % 997 + 1}/post-{n}";
            var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(n);
            return new InteractionRecorded(InteractionRecorded.IdFor(userId, post, InteractionType.View), userId, post, $"user-{n % 997 + 1}",
                InteractionType.View, null, 0.5, false, t, t.AddSeconds(3), null, null);
        }
    }
}
