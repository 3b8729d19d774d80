using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Persistence.Coalescing;
using AkkaFakeUsers.Serialization;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;
using Npgsql;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>
/// The journal (<see cref="CoalescingSqlJournal"/>) under many users persisting at once: persists that
/// wait are written together, yet every one is acknowledged in order, lands exactly once, and an event that cannot be
/// serialized is rejected alone.
/// </summary>
public class JournalTests(ITestOutputHelper output) : IDisposable
{
    private const int Writers = 150;
    private const int EventsEach = 20;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sqlite_many_users_persisting_at_once_lose_nothing_and_keep_their_order() =>
        await ManyWriters(TestSettings.Defaults(_dir.Path), async sql =>
        {
            using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
            return db.Scalar(sql);
        });

    [PostgresFact]
    public async Task Postgres_many_users_persisting_at_once_lose_nothing_and_keep_their_order()
    {
        await using var pg = await Postgres.CreateDatabaseAsync();
        var settings = TestSettings.Defaults(_dir.Path) with { Storage = StorageKind.Postgres, PostgresConnectionString = pg.ConnectionString };
        await ManyWriters(settings, pg.ScalarAsync);
        NpgsqlConnection.ClearAllPools();
    }

    [Fact]
    public async Task An_event_that_cannot_be_serialized_is_rejected_alone_and_the_others_written_with_it_are_kept()
    {
        var settings = TestSettings.Defaults(_dir.Path);
        await using (var node = await TestNode.StartAsync(settings))
        {
            var kit = new TestKit(node.System, output);
            var probe = kit.CreateTestProbe();
            // Many writers keep the journal busy, so the bad event waits and is written in a batch with good ones.
            for (var i = 1; i <= Writers; i++)
                node.System.ActorOf(Props.Create<Writer>($"user-{i}", EventsEach, probe.Ref, i == Writers / 2 ? 5 : -1));
            var results = probe.ReceiveN(Writers, TimeSpan.FromSeconds(90)).Cast<WriterDone>().ToList();

            var bad = Assert.Single(results, r => r.Rejected.Count > 0);
            Assert.Equal($"user-{Writers / 2}", bad.Id);
            Assert.Equal([5], bad.Rejected);
            Assert.All(results, r => Assert.Equal(EventsEach - r.Rejected.Count, r.Acknowledged));
        }
        using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
        Assert.Equal(Writers * EventsEach - 1, db.Scalar("SELECT COUNT(*) FROM journal"));
        // The rejected event used up its sequence number; the writer's later events follow it.
        Assert.Equal(0, db.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{FakeUserActor.PersistenceIdFor($"user-{Writers / 2}")}' AND sequence_number = 6"));
        Assert.Equal(EventsEach - 1, db.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{FakeUserActor.PersistenceIdFor($"user-{Writers / 2}")}'"));
    }

    [Fact]
    public async Task Sqlite_rows_are_the_rows_the_plugins_own_write_path_makes()
    {
        async Task<(List<string>, long)> Rows(string dir, string? hocon)
        {
            var (before, after) = await WriteSample(TestSettings.Defaults(Path.Combine(_dir.Path, dir)), hocon);
            using var db = new Db(Path.Combine(_dir.Path, dir, "afu.db"));
            return (db.Strings(SampleRowsSql(sqlite: true)), db.Scalar($"SELECT COUNT(*) FROM journal WHERE created BETWEEN {before} AND {after}"));
        }
        SameRows(await Rows("ours", null), await Rows("plugin", PluginWritePath));
    }

    [PostgresFact]
    public async Task Postgres_rows_are_the_rows_the_plugins_own_write_path_makes()
    {
        async Task<(List<string>, long)> Rows(string dir, string? hocon)
        {
            await using var pg = await Postgres.CreateDatabaseAsync();
            var settings = TestSettings.Defaults(Path.Combine(_dir.Path, dir)) with { Storage = StorageKind.Postgres, PostgresConnectionString = pg.ConnectionString };
            var (before, after) = await WriteSample(settings, hocon);
            var rows = (await pg.StringsAsync(SampleRowsSql(sqlite: false)), await pg.ScalarAsync($"SELECT COUNT(*) FROM journal WHERE created BETWEEN {before} AND {after}"));
            NpgsqlConnection.ClearAllPools();
            return rows;
        }
        SameRows(await Rows("ours", null), await Rows("plugin", PluginWritePath));
    }

    [Theory]
    [InlineData("SQLite.MS", "Csv", true)]
    [InlineData("PostgreSQL.15", "Csv", true)]
    [InlineData("PostgreSQL.15", "TagTable", false)]
    [InlineData("SQLite.Classic", "Csv", false)]
    [InlineData("SqlServer.2019", "Csv", false)]
    public void The_row_writer_takes_only_table_layouts_and_databases_it_knows(string provider, string tagMode, bool taken)
        => Assert.Equal(taken, JournalRowWriter.For(JournalConfigOf($"provider-name = \"{provider}\", connection-string = \"x\", tag-write-mode = {tagMode}")) is not null);

    [Theory]
    [InlineData("SQLite.MS", "off", true)]
    [InlineData("PostgreSQL.15", "off", true)]
    [InlineData("PostgreSQL.15", "on", false)]
    [InlineData("SqlServer.2019", "off", false)]
    public void Highest_sequence_numbers_are_read_in_batches_only_where_the_plugin_reads_the_journal_table_alone(string provider, string compatibility, bool taken)
        => Assert.Equal(taken, HighestSequenceNrReader.For(JournalConfigOf($"provider-name = \"{provider}\", connection-string = \"x\", delete-compatibility-mode = {compatibility}")) is not null);

    /// <summary>The plugin's journal settings: <paramref name="hocon"/> over its defaults.</summary>
    private static JournalConfig JournalConfigOf(string hocon) =>
        new(ConfigurationFactory.ParseString(hocon).WithFallback(SqlPersistence.DefaultJournalConfiguration));

    /// <summary>The plugin's own journal class, which writes through its DAO (linq2db) instead of our row writer.</summary>
    private const string PluginWritePath = "akka.persistence.journal.sql.class = \"Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql\"";

    private static string SampleRowsSql(bool sqlite) => sqlite
        ? "SELECT persistence_id || '|' || sequence_number || '|' || deleted || '|' || hex(message) || '|' || COALESCE(tags, '-') || '|' || " +
          "COALESCE(manifest, '-') || '|' || COALESCE(identifier, '-') || '|' || (writer_uuid IS NOT NULL) FROM journal ORDER BY persistence_id, sequence_number"
        : "SELECT persistence_id || '|' || sequence_number::text || '|' || deleted::text || '|' || encode(message, 'hex') || '|' || COALESCE(tags, '-') || '|' || " +
          "COALESCE(manifest, '-') || '|' || COALESCE(identifier::text, '-') || '|' || (writer_uuid IS NOT NULL)::text FROM journal ORDER BY persistence_id, sequence_number";

    private static void SameRows((List<string> Rows, long Timed) ours, (List<string> Rows, long Timed) plugin)
    {
        Assert.Equal(3 * 5, ours.Rows.Count);
        Assert.Equal(plugin.Rows, ours.Rows);
        Assert.Contains("|;afu;|", ours.Rows[0]); // tagged for the projection, as CSV
        // Both stamp each row with the time it was written (DateTime ticks).
        Assert.Equal(ours.Rows.Count, ours.Timed);
        Assert.Equal(plugin.Rows.Count, plugin.Timed);
    }

    /// <summary>Three users persist five events each; then a restart replays them through the plugin.</summary>
    private async Task<(long Before, long After)> WriteSample(AfuSettings settings, string? hocon)
    {
        var before = DateTime.UtcNow.Ticks;
        await using (var node = await TestNode.StartAsync(settings, hocon))
        {
            var probe = new TestKit(node.System, output).CreateTestProbe();
            for (var i = 1; i <= 3; i++) node.System.ActorOf(Props.Create<Writer>($"user-{i}", 5, probe.Ref, -1));
            Assert.All(probe.ReceiveN(3, TimeSpan.FromSeconds(30)).Cast<WriterDone>(), d => Assert.Equal(5, d.Acknowledged));
        }
        var after = DateTime.UtcNow.Ticks;
        await using (var node = await TestNode.StartAsync(settings))
        {
            var probe = new TestKit(node.System, output).CreateTestProbe();
            node.System.ActorOf(Props.Create<Writer>("user-2", 0, probe.Ref, -1));
            Assert.Equal([0, 1, 2, 3, 4], probe.ExpectMsg<WriterDone>(TimeSpan.FromSeconds(30)).Recovered);
        }
        return (before, after);
    }

    private async Task ManyWriters(AfuSettings settings, Func<string, Task<long>> scalar)
    {
        await using (var node = await TestNode.StartAsync(settings))
        {
            var kit = new TestKit(node.System, output);
            var probe = kit.CreateTestProbe();
            for (var i = 1; i <= Writers; i++)
                node.System.ActorOf(Props.Create<Writer>($"user-{i}", EventsEach, probe.Ref, -1));
            var results = probe.ReceiveN(Writers, TimeSpan.FromSeconds(90)).Cast<WriterDone>().ToList();
            Assert.All(results, r =>
            {
                Assert.Empty(r.Rejected);
                Assert.Equal(EventsEach, r.Acknowledged);
                Assert.True(r.InOrder, $"{r.Id}: acknowledgements out of order");
            });
            await HighestSequenceNrsAreReadTogether(node.System);
        }

        Assert.Equal(Writers * EventsEach, await scalar("SELECT COUNT(*) FROM journal"));
        Assert.Equal(Writers * EventsEach, await scalar("SELECT COUNT(*) FROM (SELECT DISTINCT persistence_id, sequence_number FROM journal) d"));
        // Each writer's events are numbered 1..EventsEach without gaps.
        Assert.Equal(Writers, await scalar($"SELECT COUNT(*) FROM (SELECT persistence_id FROM journal GROUP BY persistence_id HAVING MIN(sequence_number) = 1 AND MAX(sequence_number) = {EventsEach} AND COUNT(*) = {EventsEach}) g"));

        // After a restart every writer recovers exactly its own events, in order.
        await using (var node = await TestNode.StartAsync(settings))
        {
            var kit = new TestKit(node.System, output);
            var probe = kit.CreateTestProbe();
            for (var i = 1; i <= Writers; i += 29)
            {
                node.System.ActorOf(Props.Create<Writer>($"user-{i}", 0, probe.Ref, -1));
                var done = probe.ExpectMsg<WriterDone>(TimeSpan.FromSeconds(30));
                Assert.Equal(Enumerable.Range(0, EventsEach).ToList(), done.Recovered);
            }
        }
    }

    /// <summary>
    /// What every starting actor asks the journal (its highest sequence number), asked for all writers and ids never
    /// written at once, with and without a lower bound: the answers are the journal's, and they came in a few queries.
    /// </summary>
    private static async Task HighestSequenceNrsAreReadTogether(ActorSystem system)
    {
        var reader = HighestSequenceNrReader.For(new JournalConfig(system.Settings.Config.GetConfig("akka.persistence.journal.sql").WithFallback(SqlPersistence.DefaultJournalConfiguration)));
        Assert.NotNull(reader);
        var asks = new List<(string Id, long From, long Expected, Task<long> Answer)>();
        for (var round = 0; round < 4; round++)
        for (var i = 1; i <= Writers + 100; i++)
        {
            var id = FakeUserActor.PersistenceIdFor($"user-{i}");
            long from = round switch { 0 => 0, 1 => EventsEach - 1, 2 => EventsEach, _ => EventsEach + 5 };
            // the plugin's rule: the highest sequence number above `from`, else 0
            var expected = i <= Writers && from < EventsEach ? EventsEach : 0;
            asks.Add((id, from, expected, reader!.ReadAsync(id, from, CancellationToken.None)));
        }
        await Task.WhenAll(asks.Select(a => a.Answer));
        Assert.All(asks, a => Assert.True(a.Answer.Result == a.Expected, $"{a.Id} from {a.From}: {a.Answer.Result}, expected {a.Expected}"));
        Assert.InRange(reader!.Batches, (long)Math.Ceiling(asks.Count / (double)HighestSequenceNrReader.MaxIds), asks.Count / 50);
    }

    private sealed record WriterDone(string Id, int Acknowledged, List<int> Rejected, bool InOrder, List<int> Recovered);

    /// <summary>An event the serializer cannot write (its property throws): the journal rejects it.</summary>
    private sealed record Unwritable(int N) : IAfuSerializable
    {
        public string Value => throw new InvalidOperationException("cannot be serialized");
    }

    /// <summary>Recovers, then persists <c>count</c> events one Persist after another (as FakeUserActor does) and reports.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        private readonly string _id;
        private readonly List<int> _recovered = [];
        private readonly List<int> _rejected = [];
        private int _acknowledged;
        private int _next;
        private bool _inOrder = true;

        public Writer(string id, int count, IActorRef report, int badAt)
        {
            _id = id;
            Recover<InteractionRecorded>(e => _recovered.Add(int.Parse(e.PostId.Split('-')[^1])));
            Recover<RecoveryCompleted>(_ =>
            {
                if (count == 0) report.Tell(new WriterDone(_id, 0, _rejected, true, _recovered));
                else Self.Tell("next");
            });
            Command<string>(_ =>
            {
                var n = _next++;
                if (n == badAt)
                    Persist(new Unwritable(n), _ => { });
                else
                    Persist(Event(n), e =>
                    {
                        _inOrder &= int.Parse(e.PostId.Split('-')[^1]) == _acknowledged + _rejected.Count;
                        _acknowledged++;
                        Next(count, report);
                    });
            });
            Command<Rejected>(r =>
            {
                _rejected.Add(r.N);
                Next(count, report);
            });
        }

        private sealed record Rejected(int N);

        public override string PersistenceId => FakeUserActor.PersistenceIdFor(_id);

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            if (@event is Unwritable u) Self.Tell(new Rejected(u.N));
        }

        private void Next(int count, IActorRef report)
        {
            if (_acknowledged + _rejected.Count < count) Self.Tell("next");
            else report.Tell(new WriterDone(_id, _acknowledged, _rejected, _inOrder, _recovered));
        }

        private InteractionRecorded Event(int n)
        {
            var post = $"user-1/post-{n}";
            var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(n);
            return new InteractionRecorded(InteractionRecorded.IdFor(_id, post, InteractionType.View), _id, post, "user-1",
                InteractionType.View, null, 0.5, false, t, t.AddSeconds(1), null, null);
        }
    }
}
