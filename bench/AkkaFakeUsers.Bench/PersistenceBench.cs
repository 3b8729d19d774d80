// The persistence benchmark's phases (journal, projection, together, plain-insert baselines, the no-database ceiling) share setup and figures, so one file.
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Serialization;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Persistence.Coalescing;
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
/// afu serializer and tagger, one Persist per event as FakeUserActor does) once warmed up, beside plain batched INSERTs of
/// the same serialized rows on the same database, measured in the same run; plus the projection's lag.
/// The plain inserts go into a bare table (an ordering key only) and into a table laid out like the journal (its
/// columns, its unique (persistence_id, sequence_number) and its two other indexes), each as one multi-row INSERT
/// per 500 rows and, on SQLite, as one prepared single-row INSERT run 500 times per transaction (Microsoft.Data.Sqlite
/// binds named parameters one lookup at a time, so the multi-row form is the slow one there), on PostgreSQL as one
/// binary COPY per 500 rows. The ratio is taken to the fastest of each table. Then the projection's catch-up rate
/// alone, and writers and projection together (the lag second by second).
/// </summary>
public static class PersistenceBench
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var writers = o.Int("writers");
        var seconds = o.Int("seconds");
        var warmup = o.Int("warmup");
        var together = o.Int("together");
        var stores = o.Stores();
        var journal = o.String("journal") ?? "default";
        if (journal is not ("default" or "stock" or "coalescing"))
            throw new ArgumentException($"--journal: unknown journal '{journal}'; allowed: default, stock, coalescing");
        var results = new List<object>();
        if (stores.Contains("sqlite"))
        {
            using var dir = new TempFolder();
            var settings = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>()) with
            {
                Seed = 1, DataDir = dir.Path, Storage = StorageKind.Sqlite,
            };
            results.Add(await Measure("sqlite", settings, journal, writers, warmup, seconds, together));
        }
        var pg = o.String("postgres") ?? Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES");
        if (stores.Contains("postgres") && pg is null)
        {
            Console.WriteLine("postgres: skipped (give --postgres \"Host=…;Username=…;Database=postgres\" or set AFU_TEST_POSTGRES)");
        }
        else if (stores.Contains("postgres") && pg is not null)
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
                results.Add(await Measure("postgres", settings, journal, writers, warmup, seconds, together));
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

    /// <summary>
    /// The journal <c>--journal</c> names over what <see cref="AfuHostingExtensions.WithAfuPersistence"/> chose: the
    /// plugin's own SqlWriteJournal (stock), or the opt-in <see cref="CoalescingJournalHosting.WithCoalescingSqlJournal"/> (coalescing).
    /// </summary>
    private static AkkaConfigurationBuilder WithJournal(this AkkaConfigurationBuilder b, AfuSettings settings, string journal) => journal switch
    {
        "stock" => b.AddHocon("akka.persistence.journal.sql.class = \"Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql\"", HoconAddMode.Prepend),
        "coalescing" => b.WithCoalescingSqlJournal(AfuHostingExtensions.JournalConnection(settings).Provider),
        _ => b,
    };

    private static async Task<object> Measure(string name, AfuSettings settings, string journal, int writers, int warmup, int seconds, int together)
    {
        Console.WriteLine($"\n== persistence: {name}, {writers} writers, {warmup} s warm-up + {seconds} s, journal {journal}");
        var store = await StoragePreparer.PrepareAsync(settings, CancellationToken.None);
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddAkka("afu-bench", (b, _) => b
                .AddHocon(SettingsLoader.EmbeddedConf("akka.conf"), HoconAddMode.Prepend)
                .WithAfuSerialization()
                .WithAfuPersistence(settings)
                .WithJournal(settings, journal)))
            .Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var journalClass = system.Settings.Config.GetString("akka.persistence.journal.sql.class");
        Console.WriteLine($"          journal class: {journalClass}");

        var counter = new long[1];
        var writing = new WritingSwitch();
        await CheckpointAsync(store);
        var writerRefs = new List<IActorRef>();
        for (var i = 1; i <= writers; i++)
        {
            var id = $"user-{i}";
            writerRefs.Add(system.ActorOf(Props.Create<BenchWriter>(id, counter, writing), id));
        }
        // 1. The journal alone. Events per second, second by second; the first `warmup` seconds (journal start, every
        // writer's recovery, JIT tiering) are shown but not counted.
        Console.Write("events/s each second:");
        long countedFrom = 0;
        var gcBefore = GcFigures.Take();
        var sw = new Stopwatch();
        for (var sec = 0; sec < warmup + seconds; sec++)
        {
            if (sec == warmup)
            {
                countedFrom = Interlocked.Read(ref counter[0]);
                gcBefore = GcFigures.Take();
                sw.Start();
                Console.Write(" |");
            }
            var before = Interlocked.Read(ref counter[0]);
            await Task.Delay(1000);
            Console.Write($" {Interlocked.Read(ref counter[0]) - before}");
        }
        var written = Interlocked.Read(ref counter[0]) - countedFrom;
        var elapsed = sw.Elapsed.TotalSeconds;
        var gc = GcFigures.Take() - gcBefore;
        writing.On = false;
        Console.WriteLine();
        await Task.Delay(300); // let the last persists land
        var journalRate = written / elapsed;
        Console.WriteLine($"{name,-9} journal {journalRate,7:F0} events/s ({written} events in {elapsed:F0} s after {warmup} s warm-up)");

        // 2. The projection alone, catching up with everything written so far: its own rate, no writer taking CPU.
        var lagAtEnd = await store.Journal.MaxOrderingAsync();
        var projection = system.ActorOf(Props.Create(() => new ProjectionActor(store)), "projection");
        var catchUp = Stopwatch.StartNew();
        var caught = await projection.Ask<ProjectionStatus>(new WaitForCatchUp(TimeSpan.FromSeconds(300)), TimeSpan.FromSeconds(310));
        var catchUpSeconds = catchUp.Elapsed.TotalSeconds;
        var projectionRate = caught.Offset / catchUpSeconds;
        Console.WriteLine($"          projection alone caught up {lagAtEnd} events in {catchUpSeconds:F1} s: {projectionRate:F0} events/s, " +
                          $"{projectionRate / journalRate:F2} x the journal's rate (final lag {caught.Lag})");

        // 3. Both at once for `together` seconds, the writers flat out: does the projection's lag stay put or grow?
        object? both = null;
        if (together > 0)
        {
            Console.Write("writing and projecting together, each second: events written / projected / lag:");
            await CheckpointAsync(store);
            var startStatus = await projection.Ask<ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10));
            var writtenBefore = Interlocked.Read(ref counter[0]);
            writing.On = true;
            foreach (var w in writerRefs) w.Tell("next");
            var swBoth = Stopwatch.StartNew();
            var lags = new List<long>();
            var lastWritten = writtenBefore;
            var lastOffset = startStatus.Offset;
            for (var sec = 0; sec < together; sec++)
            {
                await Task.Delay(1000);
                var st = await projection.Ask<ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10));
                var nowWritten = Interlocked.Read(ref counter[0]);
                var lag = startStatus.Offset + (nowWritten - writtenBefore) - st.Offset;
                lags.Add(lag);
                Console.Write($" {nowWritten - lastWritten}/{st.Offset - lastOffset}/{lag}");
                lastWritten = nowWritten;
                lastOffset = st.Offset;
            }
            var bothSeconds = swBoth.Elapsed.TotalSeconds;
            writing.On = false;
            var endStatus = await projection.Ask<ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10));
            var bothWritten = Interlocked.Read(ref counter[0]) - writtenBefore;
            Console.WriteLine();
            var drain = Stopwatch.StartNew();
            await Task.Delay(300); // let the last persists land
            var drained = await projection.Ask<ProjectionStatus>(new WaitForCatchUp(TimeSpan.FromSeconds(300)), TimeSpan.FromSeconds(310));
            var drainSeconds = drain.Elapsed.TotalSeconds;
            var journalBoth = bothWritten / bothSeconds;
            var projectedBoth = (endStatus.Offset - startStatus.Offset) / bothSeconds;
            var maxLag = lags.Max();
            both = new
            {
                seconds = Math.Round(bothSeconds, 1), journal_events_per_s = Math.Round(journalBoth), projected_events_per_s = Math.Round(projectedBoth),
                lag_each_second = lags, max_lag = maxLag, lag_at_end = lags[^1], drained_after_s = Math.Round(drainSeconds, 2), final_lag = drained.Lag,
            };
            Console.WriteLine($"{name,-9} together  journal {journalBoth,7:F0} events/s, projection {projectedBoth,7:F0} events/s, " +
                              $"lag at end {lags[^1]} events (max {maxLag}), drained {drainSeconds:F1} s after writing stopped (final lag {drained.Lag})");
        }

        // The same rows, serialized the same way, with plain batched INSERTs on the same database.
        var serialization = system.Serialization;
        var pluginDispatcher = system.Settings.Config.GetString("akka.persistence.journal.sql.plugin-dispatcher");
        var rows = Enumerable.Range(0, (int)Math.Min(written, 200_000))
            .Select(i => (Id: $"user-{i % writers + 1}", Seq: (long)(i / writers + 1), Event: BenchWriter.Event($"user-{i % writers + 1}", i)))
            .Select(r => new PlainRow(FakeUserActor.PersistenceIdFor(r.Id), r.Seq, serialization.FindSerializerFor(r.Event).ToBinary(r.Event)))
            .ToList();
        await host.StopAsync();
        var plain = new List<PlainResult>();
        foreach (var layout in new[] { PlainLayout.Bare, PlainLayout.JournalLike })
        foreach (var statement in store.Dialect == SqlDialect.Sqlite ? new[] { PlainStatement.MultiRow, PlainStatement.Prepared } : new[] { PlainStatement.MultiRow, PlainStatement.Copy })
        {
            var rate = await PlainInsertAsync(store, rows, layout, statement);
            plain.Add(new PlainResult(layout, statement, rate, journalRate / rate));
        }
        var bare = plain.Where(p => p.Layout == PlainLayout.Bare).MaxBy(p => p.RowsPerSecond)!;
        var like = plain.Where(p => p.Layout == PlainLayout.JournalLike).MaxBy(p => p.RowsPerSecond)!;
        // What the journal's table itself costs: no journal storing these rows in this table (the plugin's unique
        // (persistence_id, sequence_number) and its indexes) can reach a higher ratio to the bare table than this.
        var ceiling = like.RowsPerSecond / bare.RowsPerSecond;
        foreach (var p in plain)
            Console.WriteLine($"          plain insert, {p.Describe(),-50} {p.RowsPerSecond,7:F0} rows/s   ratio {p.Ratio:F2}");
        Console.WriteLine($"{name,-9} HEADLINE: the journal writes {like.Ratio:F2} x the rate of the fastest plain batched insert into a table " +
                          $"laid out like the journal ({journalRate:F0} vs {like.RowsPerSecond:F0} rows/s); {bare.Ratio:F2} x the bare table's");
        Console.WriteLine($"          ceiling: the journal-like table takes {ceiling:F2} x the bare table's rate with a plain insert, " +
                          "the highest ratio to the bare table any journal in this table layout can reach");
        // The same writers through a journal that serializes every event and stores nothing: no journal behind
        // Akka.Persistence writes faster on this machine, so over the journal-like table's rate it is the highest
        // headline any such journal can reach here.
        var noDatabase = await NoDatabaseRateAsync(writers, warmup, seconds, pluginDispatcher);
        Console.WriteLine($"          ceiling: the same writers through a journal that stores nothing (serializes, acknowledges): {noDatabase:F0} events/s, " +
                          $"{noDatabase / like.RowsPerSecond:F2} x the journal-like table's rate: the highest headline a journal behind Akka.Persistence reaches here");
        Console.WriteLine($"          while writing: {gc.AllocatedBytes / Math.Max(1, written):F0} bytes allocated/event, GCs gen0 {gc.Gen0} gen1 {gc.Gen1} gen2 {gc.Gen2}, paused {gc.Paused.TotalMilliseconds:F0} ms");
        return new
        {
            store = name, journal, journal_class = journalClass, headline_ratio_journal_like_table = Math.Round(like.Ratio, 3), writers, warmup_s = warmup, seconds, events = written,
            journal_events_per_s = Math.Round(journalRate),
            plain_inserts = plain.Select(p => new { layout = p.Layout.ToString(), statement = p.Statement.ToString(), rows_per_s = Math.Round(p.RowsPerSecond), ratio = Math.Round(p.Ratio, 3) }),
            ratio_bare_table = Math.Round(bare.Ratio, 3), ratio_journal_like_table = Math.Round(like.Ratio, 3),
            journal_like_to_bare_table = Math.Round(ceiling, 3),
            no_database_events_per_s = Math.Round(noDatabase), no_database_to_journal_like_table = Math.Round(noDatabase / like.RowsPerSecond, 3),
            allocated_bytes_per_event = gc.AllocatedBytes / Math.Max(1, written), gc_gen0 = gc.Gen0, gc_gen1 = gc.Gen1, gc_gen2 = gc.Gen2,
            gc_paused_ms = Math.Round(gc.Paused.TotalMilliseconds),
            projection_lag_at_end = lagAtEnd, projection_catch_up_s = Math.Round(catchUpSeconds, 2), projection_final_lag = caught.Lag,
            projection_events_per_s = Math.Round(projectionRate), projection_to_journal_rate = Math.Round(projectionRate / journalRate, 3),
            together = both,
        };
    }

    /// <summary>Events/s of <paramref name="writers"/> BenchWriters through <see cref="NoDatabaseJournal"/> (same tagger, serializer and plugin dispatcher), after the warm-up.</summary>
    private static async Task<double> NoDatabaseRateAsync(int writers, int warmup, int seconds, string pluginDispatcher)
    {
        var hocon = $$"""
            akka.persistence.journal.plugin = "akka.persistence.journal.nodb"
            akka.persistence.journal.nodb {
              class = "{{typeof(NoDatabaseJournal).AssemblyQualifiedName}}"
              plugin-dispatcher = "{{pluginDispatcher}}"
              event-adapters { afu-tagger = "{{typeof(AfuTagger).AssemblyQualifiedName}}" }
              event-adapter-bindings { "{{typeof(IUserEvent).AssemblyQualifiedName}}" = afu-tagger }
            }
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            """;
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddAkka("afu-bench-nodb", (b, _) => b
                .AddHocon(SettingsLoader.EmbeddedConf("akka.conf"), HoconAddMode.Prepend)
                .AddHocon(hocon, HoconAddMode.Prepend)
                .WithAfuSerialization()))
            .Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var counter = new long[1];
        var writing = new WritingSwitch();
        for (var i = 1; i <= writers; i++) system.ActorOf(Props.Create<BenchWriter>($"user-{i}", counter, writing), $"user-{i}");
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var (from, sw) = (Interlocked.Read(ref counter[0]), Stopwatch.StartNew());
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var rate = (Interlocked.Read(ref counter[0]) - from) / sw.Elapsed.TotalSeconds;
        writing.On = false;
        await host.StopAsync();
        return rate;
    }

    /// <summary>Every measurement starts with the database's dirty pages on disk, so none pays for the one before.</summary>
    private static async Task CheckpointAsync(TrainingStore store)
    {
        await using var c = await store.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = store.Dialect == SqlDialect.Postgres ? "CHECKPOINT" : "PRAGMA wal_checkpoint(TRUNCATE)";
        try
        {
            await cmd.ExecuteNonQueryAsync();
        }
        catch (PostgresException e)
        {
            Console.WriteLine($"          (no CHECKPOINT before this measurement: {e.MessageText})");
        }
    }

    private sealed record PlainRow(string PersistenceId, long SequenceNr, byte[] Payload);

    /// <summary>Bare: ordering key only. JournalLike: the journal's columns, unique (persistence_id, sequence_number) and its two other indexes.</summary>
    private enum PlainLayout { Bare, JournalLike }

    /// <summary>
    /// MultiRow: one INSERT … VALUES (…),(…) with parameters per batch. Prepared: one single-row INSERT prepared once, run
    /// per row (SQLite). Copy: one binary COPY … FROM STDIN per batch (PostgreSQL; what the journal's row writer uses).
    /// </summary>
    private enum PlainStatement { MultiRow, Prepared, Copy }

    /// <param name="Ratio">The journal's events/s over this insert's rows/s.</param>
    private sealed record PlainResult(PlainLayout Layout, PlainStatement Statement, double RowsPerSecond, double Ratio)
    {
        public string Describe() => (Layout == PlainLayout.Bare ? "bare table" : "journal-like table") + ", " +
                                    Statement switch
                                    {
                                        PlainStatement.MultiRow => "multi-row INSERT of 500 rows",
                                        PlainStatement.Prepared => "prepared INSERT x 500 rows per transaction",
                                        _ => "binary COPY of 500 rows per transaction",
                                    };
    }

    private static string[] PlainSchema(SqlDialect dialect, PlainLayout layout, string table) => (dialect, layout) switch
    {
        (SqlDialect.Postgres, PlainLayout.Bare) => [$"CREATE TABLE {table} (ordering BIGSERIAL PRIMARY KEY, persistence_id TEXT NOT NULL, sequence_number BIGINT NOT NULL, manifest TEXT NOT NULL, payload BYTEA NOT NULL)"],
        (_, PlainLayout.Bare) => [$"CREATE TABLE {table} (ordering INTEGER PRIMARY KEY AUTOINCREMENT, persistence_id TEXT NOT NULL, sequence_number BIGINT NOT NULL, manifest TEXT NOT NULL, payload BLOB NOT NULL)"],
        (SqlDialect.Postgres, _) =>
        [
            $"CREATE TABLE {table} (ordering BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created BIGINT NOT NULL, deleted BOOLEAN NOT NULL, persistence_id TEXT NOT NULL, sequence_number BIGINT NOT NULL, payload BYTEA NOT NULL, tags TEXT, manifest TEXT, identifier INTEGER, writer_uuid TEXT, CONSTRAINT {table}_uq UNIQUE (persistence_id, sequence_number))",
            $"CREATE INDEX {table}_created_idx ON {table} (created)", $"CREATE INDEX {table}_sequence_number_idx ON {table} (sequence_number)",
        ],
        _ =>
        [
            $"CREATE TABLE {table} (ordering INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL, deleted Bit NOT NULL, persistence_id TEXT NOT NULL, sequence_number INTEGER NOT NULL, payload BLOB NOT NULL, tags TEXT, manifest TEXT, identifier INTEGER, writer_uuid TEXT)",
            $"CREATE UNIQUE INDEX {table}_uq ON {table} (persistence_id, sequence_number)",
            $"CREATE INDEX {table}_created_idx ON {table} (created)", $"CREATE INDEX {table}_sequence_number_idx ON {table} (sequence_number)",
        ],
    };

    private static async Task<double> PlainInsertAsync(TrainingStore store, List<PlainRow> rows, PlainLayout layout, PlainStatement statement)
    {
        var table = $"bench_plain_{layout}_{statement}".ToLowerInvariant();
        await using var c = await store.OpenAsync();
        foreach (var ddl in PlainSchema(store.Dialect, layout, table))
        {
            await using var create = c.CreateCommand();
            create.CommandText = ddl;
            await create.ExecuteNonQueryAsync();
        }
        // Bare: the columns a reader of the events needs. JournalLike: every column the journal writes.
        string[] columns = layout == PlainLayout.Bare
            ? ["persistence_id", "sequence_number", "manifest", "payload"]
            : ["created", "deleted", "persistence_id", "sequence_number", "payload", "tags", "manifest", "identifier", "writer_uuid"];
        var writer = Guid.NewGuid().ToString("N");
        object[] Values(PlainRow r) => layout == PlainLayout.Bare
            ? [r.PersistenceId, r.SequenceNr, "InteractionRecorded", r.Payload]
            : [DateTime.UtcNow.Ticks, false, r.PersistenceId, r.SequenceNr, r.Payload, ";afu;", "InteractionRecorded", 7301, writer];
        const int batch = 500;
        await CheckpointAsync(store);
        var sw = Stopwatch.StartNew();
        for (var start = 0; start < rows.Count; start += batch)
        {
            var chunk = rows.Skip(start).Take(batch).ToList();
            await using var tx = await c.BeginTransactionAsync();
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            if (statement == PlainStatement.Copy)
            {
                await using var copy = await ((NpgsqlConnection)c).BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
                foreach (var row in chunk)
                {
                    await copy.StartRowAsync();
                    foreach (var v in Values(row))
                    {
                        switch (v)
                        {
                            case long l: await copy.WriteAsync(l, NpgsqlTypes.NpgsqlDbType.Bigint); break;
                            case int n: await copy.WriteAsync(n, NpgsqlTypes.NpgsqlDbType.Integer); break;
                            case bool b: await copy.WriteAsync(b, NpgsqlTypes.NpgsqlDbType.Boolean); break;
                            case byte[] bytes: await copy.WriteAsync(bytes, NpgsqlTypes.NpgsqlDbType.Bytea); break;
                            default: await copy.WriteAsync((string)v, NpgsqlTypes.NpgsqlDbType.Text); break;
                        }
                    }
                }
                await copy.CompleteAsync();
            }
            else if (statement == PlainStatement.MultiRow)
            {
                var values = new List<string>();
                for (var k = 0; k < chunk.Count; k++)
                {
                    var v = Values(chunk[k]);
                    values.Add("(" + string.Join(", ", columns.Select((_, j) => $"@v{k}_{j}")) + ")");
                    for (var j = 0; j < v.Length; j++) StoreConnection.AddParam(cmd, $"@v{k}_{j}", v[j]);
                }
                cmd.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES " + string.Join(",", values);
                await cmd.ExecuteNonQueryAsync();
            }
            else
            {
                cmd.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, j) => $"@v{j}"))})";
                var first = Values(chunk[0]);
                for (var j = 0; j < columns.Length; j++) StoreConnection.AddParam(cmd, $"@v{j}", first[j]);
                await cmd.PrepareAsync();
                foreach (var row in chunk)
                {
                    var v = Values(row);
                    for (var j = 0; j < v.Length; j++) cmd.Parameters[j].Value = v[j];
                    await cmd.ExecuteNonQueryAsync();
                }
            }
            await tx.CommitAsync();
        }
        return rows.Count / sw.Elapsed.TotalSeconds;
    }


    /// <summary>While on, every writer persists back to back; switched off, each stops after its current persist ("next" starts it again).</summary>
    private sealed class WritingSwitch
    {
        private volatile bool _on = true;

        public bool On { get => _on; set => _on = value; }
    }

    /// <summary>Persists InteractionRecorded events back to back, one Persist each, like a very busy FakeUserActor.</summary>
    private sealed class BenchWriter : ReceivePersistentActor
    {
        private readonly string _id;
        private int _n;

        public BenchWriter(string id, long[] counter, WritingSwitch writing)
        {
            _id = id;
            Recover<InteractionRecorded>(_ => _n++);
            Command<string>(_ =>
            {
                Persist(Event(_id, _n++), _ =>
                {
                    Interlocked.Increment(ref counter[0]);
                    if (writing.On) Self.Tell("next");
                });
            });
        }

        public override string PersistenceId => FakeUserActor.PersistenceIdFor(_id);

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
