using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

/// <summary>
/// One fake user: a persistent, sharded entity. Every decision is <see cref="FakeUserDecider.Decide"/>'s; this actor
/// only sequences it: it persists the decided events, folds them in with <see cref="FakeUserState.Apply"/>, and carries
/// the effects out (timers, gateway requests, pub/sub, the feed) once the events are stored.
/// Its timers are entries of the node's <see cref="SimSchedule"/> (simulated time, no Akka timer per user), which also
/// keeps what a user that fell asleep needs to carry on (<see cref="UserTimers"/>) and wakes it in time; work the
/// clock counts (released timers, texts and slates it asked for, comment notices) is reported done once what it
/// decided is stored, so a clock running as fast as it can never moves on while a user is still deciding.
/// </summary>
public sealed class FakeUserActor : ReceivePersistentActor
{
    private readonly string _userId;
    private readonly int _index;
    private readonly FakeUserDeps _deps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly bool _fresh;
    private FakeUserState _state = FakeUserState.Empty;
    private UserRuntime _runtime = UserRuntime.Initial;
    private readonly UserTimers _timers;
    private readonly UserEffects _effects;
    private bool _leaving; // StopUser: handed off or retired
    // counted work whose decision is being stored (its last event and ticket; Persist stashes commands until a decision
    // is stored, so there is at most one): reported done if that write fails (its effects, the report among them, never run)
    private IUserEvent? _storingLast;
    private long _storingTicket;

    public FakeUserActor(string userId, FakeUserDeps deps)
    {
        _userId = userId;
        _index = ProfileRules.TryParseIndex(userId, out var i) ? i : 0;
        _deps = deps;
        _timers = new UserTimers(userId, deps.Clock.Schedule, deps.Feed, deps.Users);
        _effects = new UserEffects(userId, deps, _timers, _log);
        _fresh = (deps.Known ?? KnownUsers.Unknown).TryClaimNew(PersistenceIdFor(userId));

        Recover<IUserEvent>(e => _state = _state.Apply(e, deps.Rules));
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is FakeUserState s) _state = s;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            if (_fresh && LastSequenceNr > 0)
            {
                // Created elsewhere since this node started: we skipped its history. Stop; the next sweep recovers it fully.
                _log.Info("user {0} exists in the journal (sequence {1}) though it did not at start: recovering it fully", _userId, LastSequenceNr);
                Context.Stop(Self);
                return;
            }
            if (!_fresh && LastSequenceNr > 0) _deps.Metrics.UserRecovered();
            Handle(_timers.Wake(Self, LastSequenceNr) is { } slept ? new Woken(slept) : Recovered.Instance);
        });

        Command<GetUserState>(_ => Sender.Tell(new UserStateReply(_userId, _state.Profile, _state.Counters, _runtime.Paused, _state.LastPosts)));
        Command<StopUser>(_ => { _leaving = true; Context.Stop(Self); });
        Command<Dozed>(_ => _timers.Dozed(MaySleep(), Self, Context.Parent));
        Command<WakeUp>(_ => CheckSleep()); // woken ahead of its next timer: awake until then
        Command<GoToSleep>(_ =>
        {
            _timers.FallAsleep(_runtime, LastSequenceNr, _deps.Rules.SleepAfter / 2);
            Context.Stop(Self);
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(OlderSnapshots(s.Metadata.SequenceNr, deps.Rules.SnapshotEvery)));
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", _userId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("deleting old snapshots of {0} failed: {1}", _userId, f.Cause.Message));
        // What the decider decides on; anything else is unhandled (dead letters say so).
        Command<Scheduled>(OnScheduled);
        Command<EnsureUser>(e => Handle(e)); // counted (its ticket), it is answered UserEnsured to the manager that counts it
        Command<PostNow>(m => Handle(m));
        Command<TextGenerated>(m => Handle(new TextArrived(m), ticket: m.Ticket));
        Command<SlateServed>(m => Handle(m, ticket: m.Ticket));
        Command<CommentHandedOn>(m => Handle(m.Notice, ticket: IsMine(m.ClockId, m.Ticket, null) ? m.Ticket : 0));
        Command<PauseUser>(m => Handle(m));
        Command<ResumeUser>(m => Handle(m));
        Command<RetireUser>(m => Handle(m));
    }

    /// <summary>A timer of this user fell due (a stale one, replaced or cancelled since, is dropped). It is decided at its due time.</summary>
    private void OnScheduled(Scheduled s)
    {
        if (!IsMine(s.ClockId, s.Ticket, s.Owner)) return; // this user's timers live on this node now
        if (!_timers.TakeReleased(s))
        {
            _deps.Clock.Ledger.Tell(new WorkDone(s.Ticket));
            CheckSleep();
            return;
        }
        Handle((IUserInput)s.Message, at: s.Due, ticket: s.Ticket); // a user's timers carry only its inputs (StartTimer)
    }

    /// <summary>Counted work from another node's clock (this user's shard moved here while it slept there): that node counts it done.</summary>
    private bool IsMine(string? clockId, long ticket, string? owner)
    {
        if (clockId is null || clockId == _deps.Clock.Id) return true;
        Sender.Tell(new WorkMovedAway(owner, ticket));
        return false;
    }

    private bool MaySleep() => FakeUserDecider.MaySleep(_state, _runtime, _timers.Earliest, _deps.Clock.Now, _deps.Rules);

    private void CheckSleep() => _timers.MaybeDoze(MaySleep(), Self);

    public override string PersistenceId => PersistenceIdFor(_userId);

    /// <summary>A user the journal did not hold at start, started here for the first time: nothing to replay.</summary>
    public override Recovery Recovery => _fresh ? Recovery.None : base.Recovery;

    public static string PersistenceIdFor(string userId) => $"fake-user:{userId}";

    /// <summary>Snapshots older than the newest <see cref="UserRules.SnapshotsKept"/> (one is taken every <paramref name="every"/> events).</summary>
    public static SnapshotSelectionCriteria OlderSnapshots(long newest, int every) =>
        new(newest - (long)(UserRules.SnapshotsKept - 1) * every - 1);

    /// <param name="at">The simulated instant of the decision (a timer's due time), else the clock's time.</param>
    /// <param name="ticket">The clock's ticket when it counts this input as work (0: it does not): the decision reports it done
    /// (<see cref="ReportWorkDone"/>) once its events are stored.</param>
    private void Handle(IUserInput input, DateTime? at = null, long ticket = 0)
    {
        var clock = _deps.Clock;
        var now = at ?? clock.Now;
        var ctx = new UserContext(_userId, _index, _deps.Rules, now, clock.Start, clock.VisibleBefore(now), ticket);
        var decision = FakeUserDecider.Decide(_state, _runtime, input, ctx);
        var wasLive = _runtime.Live;
        _runtime = decision.Runtime;
        if (!wasLive && _runtime.Live) _deps.Metrics.UserStarted();
        if (decision.Events.Count == 0)
        {
            _effects.Run(decision.Effects, Self, Sender, Context.Parent);
            CheckSleep();
            return;
        }
        var sender = Sender;
        var last = decision.Events[^1];
        if (ticket != 0) (_storingLast, _storingTicket) = (last, ticket);
        // The effects run in the last event's handler: commands stay stashed until then, so none sees a half-done decision.
        PersistAll(decision.Events, e =>
        {
            Applied(e);
            if (!ReferenceEquals(e, last)) return;
            _storingLast = null;
            _effects.Run(decision.Effects, Self, sender, Context.Parent);
            CheckSleep();
        });
    }

    private void Applied(IUserEvent e)
    {
        _state = _state.Apply(e, _deps.Rules);
        _deps.Metrics.Count(e);
        if (LastSequenceNr % _deps.Rules.SnapshotEvery == 0) SaveSnapshot(_state);
    }

    protected override void PostStop()
    {
        _timers.Stopped(_leaving);
        _deps.Clock.Ledger.Tell(new HolderStopped(_userId, Abnormal: !_leaving && !_timers.Asleep), Self); // behind its every report
        if (_runtime.Live) _deps.Metrics.UserStopped();
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _deps.Metrics.PersistFailure();
        ReportStoringDone(); // the decision will not be carried out: the clock must not wait for it
        // The actor stops (nothing unacknowledged is kept); its next timer starts it again (through the shard region).
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _deps.Metrics.PersistFailure();
        // a rejected last event: its decision's effects never run, so its counted work is done as far as the clock goes
        if (ReferenceEquals(@event, _storingLast)) ReportStoringDone();
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void ReportStoringDone()
    {
        if (_storingLast is null) return;
        _storingLast = null;
        _deps.Clock.Ledger.Tell(new WorkDone(_storingTicket), Self);
    }
}

/// <summary>Wires the "user" shard region onto the node's actor system.</summary>
public static class FakeUserHosting
{
    public const string UserShardTypeName = "user";
    public const int ShardCount = 100;

    /// <summary>The "user" shard region: users spread over the nodes, hand-off stops them behind in-flight persists.</summary>
    /// <param name="feed">The node's feed (registered by the feed's own wiring, which depends on users, not the other way round).</param>
    /// <param name="target">The population the run aims for (users the journal holds beyond it are not restored).</param>
    public static AkkaConfigurationBuilder WithFakeUsers(this AkkaConfigurationBuilder builder, UserRules rules, SimulationClock clock, UserMetrics metrics, KnownUsers known,
        int target, Func<IActorRegistry, IActorRef> feed, string role) =>
        builder.WithShardRegion<FakeUserActor>(UserShardTypeName,
            (system, registry, _) =>
            {
                FakeUserDeps? deps = null;
                return entityId =>
                {
                    deps ??= new FakeUserDeps(rules, clock, metrics, registry.Get<LlmGatewayActor>(), feed(registry), DistributedPubSub.Get(system).Mediator, known,
                        rules.Sleeps ? registry.Get<FakeUserActor>() : null);
                    // Not Props.Create(() => new FakeUserActor(…)): Akka compiles each argument of such an expression into a
                    // DynamicMethod, two per user, which the finalizer thread then has to destroy (in `bench persistence` 400 such
                    // methods made that thread 43% of all sampled CPU).
                    return Props.Create<FakeUserActor>(entityId, deps);
                };
            },
            new UserMessageExtractor(ShardCount),
            new ShardOptions
            {
                Role = role,
                RememberEntities = false,
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = StopUser.Instance,
                StateStoreMode = StateStoreMode.DData,
            })
            .WithActors((system, registry) =>
            {
                // users sleep: those the journal holds start asleep, each recovering when its first timer falls due
                if (!rules.Sleeps || known.Count == 0) return;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var n = SleepingPopulation.Restore(known, target, rules, clock.Schedule, registry.Get<FakeUserActor>(), clock.Now);
                system.Log.Info("{0} users of the journal start asleep, their first timers planned ({1:0} ms); each recovers when one falls due", n, sw.Elapsed.TotalMilliseconds);
            });
}

/// <summary>Routes <see cref="IUserMessage"/>s to the user's shard by its id.</summary>
public sealed class UserMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IUserMessage m => m.UserId,
        Scheduled { Owner: { } owner } => owner, // a sleeping user's timer: it wakes the user
        WakeUp w => w.Owner,
        _ => null,
    };
}
