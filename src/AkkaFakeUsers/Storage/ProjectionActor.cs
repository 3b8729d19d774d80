using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaFakeUsers.Serialization;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Storage;

public sealed record GetProjectionStatus : IAfuSerializable
{
    public static readonly GetProjectionStatus Instance = new();
}

public sealed record ProjectionStatus(long Offset, long JournalMax, long RowsWritten, string? LastError) : IAfuSerializable
{
    public long Lag => Math.Max(0, JournalMax - Offset);
}

/// <summary>Replies <see cref="ProjectionStatus"/> once the projection has written everything the journal holds now (or at timeout).</summary>
public sealed record WaitForCatchUp(TimeSpan Timeout) : IAfuSerializable;

/// <summary>
/// Projects the journal (events tagged "afu") into the training tables. Reads its offset from the database on every
/// (re)start, writes batches of rows and the new offset in one transaction, and restarts with back-off on failure.
/// One per cluster (a singleton): it is the only writer of the tables.
/// </summary>
public sealed class ProjectionActor : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record Progress(long Offset, int Rows);
    private sealed record JournalMax(long Value);
    private sealed record Tick;
    private sealed record StreamFailed(string Error);
    private sealed record Waiter(IActorRef ReplyTo, long Target, DateTime Deadline);

    private readonly TrainingStore _store;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<Waiter> _waiters = new();
    private long _offset;
    private long _journalMax;
    private long _rows;
    private string? _lastError;
    private UniqueKillSwitch? _kill;

    public ProjectionActor(TrainingStore store)
    {
        _store = store;
        Receive<Progress>(p =>
        {
            _offset = Math.Max(_offset, p.Offset);
            _rows += p.Rows;
            _lastError = null;
            AnswerWaiters();
        });
        Receive<JournalMax>(m =>
        {
            _journalMax = Math.Max(_journalMax, m.Value);
            AnswerWaiters();
        });
        Receive<StreamFailed>(f => _lastError = f.Error);
        Receive<RetryStart>(_ => StartStream());
        Receive<Tick>(_ =>
        {
            _store.Journal.MaxOrderingAsync().PipeTo(Self, success: v => new JournalMax(v), failure: ex => new StreamFailed(ex.Message));
            AnswerWaiters();
        });
        Receive<GetProjectionStatus>(_ => Sender.Tell(Status()));
        Receive<WaitForCatchUp>(w =>
        {
            var replyTo = Sender;
            // Target: the journal's highest ordering now. Read it fresh, then wait until the offset reaches it.
            _store.Journal.MaxOrderingAsync().PipeTo(Self, success: v => new WaiterTarget(replyTo, v, DateTime.UtcNow + w.Timeout),
                failure: ex => new WaiterTarget(replyTo, long.MaxValue, DateTime.UtcNow + w.Timeout));
        });
        Receive<WaiterTarget>(t =>
        {
            _journalMax = Math.Max(_journalMax, t.Target == long.MaxValue ? 0 : t.Target);
            _waiters.Add(new Waiter(t.ReplyTo, t.Target, t.Deadline));
            AnswerWaiters();
        });
    }

    private sealed record WaiterTarget(IActorRef ReplyTo, long Target, DateTime Deadline);

    private ProjectionStatus Status() => new(_offset, Math.Max(_journalMax, _offset), _rows, _lastError);

    private void AnswerWaiters()
    {
        var now = DateTime.UtcNow;
        _waiters.RemoveAll(w =>
        {
            if (_offset < w.Target && now < w.Deadline) return false;
            w.ReplyTo.Tell(Status());
            return true;
        });
    }

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        StartStream();
    }

    private sealed record RetryStart;

    private int _startAttempts;

    /// <summary>
    /// Creating the read journal asks the journal (5 s timeout); with a journal busy recovering 100k users that ask can
    /// time out. The projection then tries again with back-off instead of dying in its constructor.
    /// </summary>
    private void StartStream()
    {
        SqlReadJournal readJournal;
        try
        {
            readJournal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        }
        catch (Exception ex)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(5, _startAttempts++))));
            _log.Warning("projection: read journal not ready ({0}); retrying in {1}s", ex.GetBaseException().Message, delay.TotalSeconds);
            _lastError = ex.GetBaseException().Message;
            Timers.StartSingleTimer("retry-start", new RetryStart(), delay);
            return;
        }
        var self = Self;
        var store = _store;
        var log = _log;
        var source = RestartSource.OnFailuresWithBackoff(() =>
                Source.FromTask(store.ReadOffsetAsync())
                    .ConcatMany(offset => readJournal.EventsByTag(AfuTagger.Tag, Offset.Sequence(offset)))
                    .Where(env => env.Event is IUserEvent)
                    .Select(env => new JournalEvent(((Sequence)env.Offset).Value, (IUserEvent)env.Event))
                    // Up to one read-journal page (max-buffer-size 5000) per transaction while catching up: every
                    // event touches random pages of the tables' indexes, and bigger batches write each page fewer times.
                    .GroupedWithin(5000, TimeSpan.FromMilliseconds(100))
                    .SelectAsync(1, async batch =>
                    {
                        var list = batch.ToList();
                        try
                        {
                            await store.WriteAsync(list);
                        }
                        catch (Exception ex)
                        {
                            log.Warning("projection batch failed (will restart from the stored offset): {0}", ex.Message);
                            self.Tell(new StreamFailed(ex.Message));
                            throw;
                        }
                        return new Progress(list[^1].Ordering, list.Count);
                    }),
            RestartSettings.Create(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2));
        _kill = source
            .ViaMaterialized(KillSwitches.Single<Progress>(), Keep.Right)
            .To(Sink.ForEach<Progress>(p => self.Tell(p)))
            .Run(Context.System.Materializer());
    }

    protected override void PostStop() => _kill?.Shutdown();
}

/// <summary>Wires the training projection onto the node's actor system.</summary>
public static class ProjectionHosting
{
    /// <summary>The projection of the journal into the training tables, a cluster singleton.</summary>
    public static AkkaConfigurationBuilder WithTrainingProjection(this AkkaConfigurationBuilder builder, TrainingStore store, string role) =>
        builder.WithSingleton<ProjectionActor>("training-projection",
            (_, _, _) => Props.Create(() => new ProjectionActor(store)),
            new ClusterSingletonOptions { Role = role });
}
