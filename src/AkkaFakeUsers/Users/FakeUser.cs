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
/// Its timers are entries of the node's <see cref="SimSchedule"/> (simulated time, no Akka timer per user); work the
/// clock counts (released timers, texts and slates it asked for, comment notices) is reported done once what it
/// decided is stored, so a clock running as fast as it can never moves on while a user is still deciding.
/// </summary>
public sealed class FakeUser : ReceivePersistentActor
{
    private readonly string _userId;
    private readonly int _index;
    private readonly FakeUserDeps _deps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly bool _fresh;
    private FakeUserState _state = FakeUserState.Empty;
    private UserRuntime _runtime = UserRuntime.Initial;
    private readonly Dictionary<string, DateTime> _timers = new(StringComparer.Ordinal); // key -> due of the entry this user set last
    // counted work whose decision is being stored (its last event and ticket; Persist stashes commands until a decision
    // is stored, so there is at most one): reported done if that write fails
    private IUserEvent? _storingLast;
    private long _storingTicket;

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
            Handle(Recovered.Instance, counted: false);
        });

        Command<GetUserState>(_ => Sender.Tell(new UserStateReply(_userId, _state.Profile, _state.Counters, _runtime.Paused, _state.LastPosts)));
        Command<StopUser>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(OlderSnapshots(s.Metadata.SequenceNr, deps.Rules.SnapshotEvery)));
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", _userId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("deleting old snapshots of {0} failed: {1}", _userId, f.Cause.Message));
        // What the decider decides on; anything else is unhandled (dead letters say so).
        Command<Scheduled>(OnScheduled);
        Command<EnsureUser>(e => Handle(e, counted: false)); // a counted one is answered (UserEnsured) to the manager that counts it
        Command<PostNow>(m => Handle(m, counted: false));
        Command<TextGenerated>(m => Handle(m, counted: true));
        Command<SlateServed>(m => Handle(m, counted: true));
        Command<CommentHandedOn>(m => Handle(m.Notice, counted: true));
        Command<PauseUser>(m => Handle(m, counted: false));
        Command<ResumeUser>(m => Handle(m, counted: false));
        Command<RetireUser>(m => Handle(m, counted: false));
    }

    /// <summary>A timer of this user fell due (a stale one, replaced or cancelled since, is dropped). It is decided at its due time.</summary>
    private void OnScheduled(Scheduled s)
    {
        if (!_timers.TryGetValue(s.Key, out var due) || due != s.Due)
        {
            _deps.Clock.Work.End(s.Ticket);
            return;
        }
        _timers.Remove(s.Key);
        Handle(s.Message, counted: true, at: s.Due, s.Ticket);
    }

    public override string PersistenceId => PersistenceIdFor(_userId);

    /// <summary>A user the journal did not hold at start, started here for the first time: nothing to replay.</summary>
    public override Recovery Recovery => _fresh ? Recovery.None : base.Recovery;

    public static string PersistenceIdFor(string userId) => $"fake-user:{userId}";

    /// <summary>Snapshots older than the newest <see cref="UserRules.SnapshotsKept"/> (one is taken every <paramref name="every"/> events).</summary>
    public static SnapshotSelectionCriteria OlderSnapshots(long newest, int every) =>
        new(newest - (long)(UserRules.SnapshotsKept - 1) * every - 1);

    /// <param name="counted">The clock counts this input as work: report it done once the decision is stored and carried out.</param>
    /// <param name="at">The simulated instant of the decision (a timer's due time), else the clock's time.</param>
    /// <param name="ticket">Released work's ticket (<see cref="Scheduled.Ticket"/>), reported with it.</param>
    private void Handle(object input, bool counted, DateTime? at = null, long ticket = 0)
    {
        var clock = _deps.Clock;
        var now = at ?? clock.Now;
        var ctx = new UserContext(_userId, _index, _deps.Rules, now, clock.Start, clock.VisibleBefore(now));
        var decision = FakeUserDecider.Decide(_state, _runtime, input, ctx);
        var wasLive = _runtime.Live;
        _runtime = decision.Runtime;
        if (!wasLive && _runtime.Live) _deps.Metrics.UserStarted();
        if (decision.Events.Count == 0)
        {
            Run(decision.Effects, Sender);
            if (counted) clock.Work.End(ticket);
            return;
        }
        var sender = Sender;
        var last = decision.Events[^1];
        if (counted) (_storingLast, _storingTicket) = (last, ticket);
        // The effects run in the last event's handler: commands stay stashed until then, so none sees a half-done decision.
        PersistAll(decision.Events, e =>
        {
            Applied(e);
            if (!ReferenceEquals(e, last)) return;
            Run(decision.Effects, sender);
            if (counted) ReportStoringDone();
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
                case StartTimer t:
                    _timers[t.Key] = t.Due;
                    _deps.Clock.Schedule.Set(Self, t.Key, t.Due, t.Message);
                    break;
                case CancelTimers:
                    _timers.Clear();
                    _deps.Clock.Schedule.CancelAll(Self);
                    break;
                case AskForText a:
                    _deps.Clock.Work.Begin();
                    _deps.Gateway.Tell(a.Request, Self);
                    break;
                case PublishOn p: _deps.Mediator.Tell(new Publish(p.Topic, p.Message)); break;
                case JoinTheFeed: _deps.Feed.Tell(new JoinFeed(_userId, Self)); break;
                case AskForSlate a:
                    _deps.Clock.Work.Begin();
                    _deps.Feed.Tell(a.Request, Self);
                    break;
                case TellFeed f: _deps.Feed.Tell(f.Message); break;
                case ReplyWith r: sender.Tell(r.Message); break;
                case PassivateSelf: Context.Parent.Tell(new Passivate(StopUser.Instance)); break;
                case Warn w: _log.Warning(w.Text); break;
            }
        }
    }

    protected override void PostStop()
    {
        _deps.Clock.Schedule.CancelAll(Self);
        if (_runtime.Live) _deps.Metrics.UserStopped();
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _deps.Metrics.PersistFailure();
        ReportStoringDone(); // the decision will not be carried out: the clock must not wait for it
        // The actor stops (nothing unacknowledged is kept); the SimulationManager's next sweep wakes it again once the journal answers.
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
        _deps.Clock.Work.End(_storingTicket);
    }
}
