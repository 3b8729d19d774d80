using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

/// <summary>What a user needs from its node. <see cref="Mediator"/> is the DistributedPubSub mediator (a probe in tests);
/// posts and comment notices are published through it. <see cref="Known"/> lets users that never existed skip recovery.</summary>
public sealed record FakeUserDeps(UserRules Rules, ISimClock Clock, UserMetrics Metrics, IActorRef Gateway, IActorRef Feed, IActorRef Mediator,
    KnownUsers? Known = null);

/// <summary>
/// One fake user: a persistent, sharded entity. Every decision is <see cref="FakeUserDecider.Decide"/>'s; this actor
/// only sequences it: it persists the decided events, folds them in with <see cref="FakeUserState.Apply"/>, and carries
/// the effects out (timers, gateway requests, pub/sub, the feed) once the events are stored.
/// </summary>
public sealed class FakeUser : ReceivePersistentActor, IWithTimers
{
    private readonly string _userId;
    private readonly int _index;
    private readonly FakeUserDeps _deps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly bool _fresh;
    private FakeUserState _state = FakeUserState.Empty;
    private UserRuntime _runtime = UserRuntime.Initial;

    public FakeUser(string userId, FakeUserDeps deps)
    {
        _userId = userId;
        _index = ProfileRules.TryParseIndex(userId, out var i) ? i : 0;
        _deps = deps;
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
            Handle(Recovered.Instance);
        });

        Command<GetUserState>(_ => Sender.Tell(new UserStateReply(_userId, _state.Profile, _state.Counters, _runtime.Paused, _state.LastPosts)));
        Command<StopUser>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(OlderSnapshots(s.Metadata.SequenceNr, deps.Rules.SnapshotEvery)));
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", _userId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("deleting old snapshots of {0} failed: {1}", _userId, f.Cause.Message));
        // What the decider decides on; anything else is unhandled (dead letters say so).
        Command<EnsureUser>(Handle);
        Command<PostTick>(Handle);
        Command<PostNow>(Handle);
        Command<TextGenerated>(Handle);
        Command<SessionTick>(Handle);
        Command<SlateServed>(Handle);
        Command<CommentNotice>(Handle);
        Command<ReactionDue>(Handle);
        Command<PauseUser>(Handle);
        Command<ResumeUser>(Handle);
        Command<RetireUser>(Handle);
    }

    public override string PersistenceId => PersistenceIdFor(_userId);

    /// <summary>A user the journal did not hold at start, started here for the first time: nothing to replay.</summary>
    public override Recovery Recovery => _fresh ? Recovery.None : base.Recovery;

    public static string PersistenceIdFor(string userId) => $"fake-user:{userId}";

    /// <summary>Snapshots older than the newest <see cref="UserRules.SnapshotsKept"/> (one is taken every <paramref name="every"/> events).</summary>
    public static SnapshotSelectionCriteria OlderSnapshots(long newest, int every) =>
        new(newest - (long)(UserRules.SnapshotsKept - 1) * every - 1);

    public ITimerScheduler Timers { get; set; } = null!;

    private void Handle(object input)
    {
        var ctx = new UserContext(_userId, _index, _deps.Rules, _deps.Clock.Now, _deps.Clock.Start);
        var decision = FakeUserDecider.Decide(_state, _runtime, input, ctx);
        var wasLive = _runtime.Live;
        _runtime = decision.Runtime;
        if (!wasLive && _runtime.Live) _deps.Metrics.UserStarted();
        if (decision.Events.Count == 0)
        {
            Run(decision.Effects, Sender);
            return;
        }
        var sender = Sender;
        var last = decision.Events[^1];
        // The effects run in the last event's handler: commands stay stashed until then, so none sees a half-done decision.
        PersistAll(decision.Events, e =>
        {
            Applied(e);
            if (ReferenceEquals(e, last)) Run(decision.Effects, sender);
        });
    }

    private void Applied(IUserEvent e)
    {
        _state = _state.Apply(e, _deps.Rules);
        _deps.Metrics.Count(e);
        if (LastSequenceNr % _deps.Rules.SnapshotEvery == 0) SaveSnapshot(_state);
    }

    private void Run(IEnumerable<UserEffect> effects, IActorRef sender)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case StartTimer t: Timers.StartSingleTimer(t.Key, t.Message, _deps.Clock.RealDelayUntil(t.Due)); break;
                case CancelTimers: Timers.CancelAll(); break;
                case AskForText a: _deps.Gateway.Tell(a.Request, Self); break;
                case PublishOn p: _deps.Mediator.Tell(new Publish(p.Topic, p.Message)); break;
                case JoinTheFeed: _deps.Feed.Tell(new JoinFeed(_userId, Self)); break;
                case AskForSlate a: _deps.Feed.Tell(a.Request, Self); break;
                case TellFeed f: _deps.Feed.Tell(f.Message); break;
                case ReplyWith r: sender.Tell(r.Message); break;
                case PassivateSelf: Context.Parent.Tell(new Passivate(StopUser.Instance)); break;
                case Warn w: _log.Warning(w.Text); break;
            }
        }
    }

    protected override void PostStop()
    {
        if (_runtime.Live) _deps.Metrics.UserStopped();
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _deps.Metrics.PersistFailure();
        // The actor stops (nothing unacknowledged is kept); the SimulationManager's next sweep wakes it again once the journal answers.
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
