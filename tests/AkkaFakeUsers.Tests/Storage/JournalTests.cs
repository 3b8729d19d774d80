using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Serialization;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;
using Npgsql;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>
/// The journal (<see cref="AkkaFakeUsers.Storage.CoalescingSqlJournal"/>) under many users persisting at once: persists that
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
            var results = probe.ReceiveN(Writers, TimeSpan.FromSeconds(60)).Cast<WriterDone>().ToList();

            var bad = Assert.Single(results, r => r.Rejected.Count > 0);
            Assert.Equal($"user-{Writers / 2}", bad.Id);
            Assert.Equal([5], bad.Rejected);
            Assert.All(results, r => Assert.Equal(EventsEach - r.Rejected.Count, r.Acknowledged));
        }
        using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
        Assert.Equal(Writers * EventsEach - 1, db.Scalar("SELECT COUNT(*) FROM journal"));
        // The rejected event used up its sequence number; the writer's later events follow it.
        Assert.Equal(0, db.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{FakeUser.PersistenceIdFor($"user-{Writers / 2}")}' AND sequence_number = 6"));
        Assert.Equal(EventsEach - 1, db.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{FakeUser.PersistenceIdFor($"user-{Writers / 2}")}'"));
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

    private sealed record WriterDone(string Id, int Acknowledged, List<int> Rejected, bool InOrder, List<int> Recovered);

    /// <summary>An event the serializer cannot write (its property throws): the journal rejects it.</summary>
    private sealed record Unwritable(int N) : IAfuSerializable
    {
        public string Value => throw new InvalidOperationException("cannot be serialized");
    }

    /// <summary>Recovers, then persists <c>count</c> events one Persist after another (as FakeUser does) and reports.</summary>
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

        public override string PersistenceId => FakeUser.PersistenceIdFor(_id);

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
