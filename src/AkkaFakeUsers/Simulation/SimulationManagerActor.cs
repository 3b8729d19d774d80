using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Simulation;

/// <summary>
/// Keeps the population at its target: sweeps user-1..user-N through the shard region with <see cref="EnsureUser"/>
/// (creating the missing ones, waking the rest) on start and after every change; every ensure-interval too, but with
/// users sleeping (afu.users.sleep-after) only over users never told before (joiners): a sleeping user is woken by its
/// timers, and one stopped by a failed write by its next timer, through the shard region.
/// Sweeps go in batches so 100k users do not land in one burst. Scale-down retires the surplus (they passivate, data kept).
/// New users join over time (afu.behaviour.joining): each sweep raises the target by <see cref="Population.TargetAt"/>.
/// When a node joins, leaves or is downed it sweeps at once and a few times in the next 25 s: the users of a crashed
/// node's shards, and of shards the rebalance moved, run again once their shards have a new home, not at the next interval.
/// With the clock running as fast as it can (<c>--time-scale max</c>) the population's first sweep and every joiner
/// are simulated work the clock counts (it starts once the first sweep is done and every user created), and joiners
/// come at their simulated instants through the clock's schedule instead of at real-time sweeps, so a run is the same
/// whatever the machine's speed.
/// One per cluster (a singleton).
/// </summary>
public sealed class SimulationManagerActor : ReceiveActor, IWithTimers
{
    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private sealed record SweepStep;

    /// <summary>The ensure-interval's sweep: with users sleeping, only users that never were told (joiners), so it wakes no sleeper.</summary>
    private sealed record RoutineSweep
    {
        public static readonly RoutineSweep Instance = new();
    }

    /// <summary>The next joiner is due (as fast as it can: through the clock's schedule).</summary>
    private sealed record JoinDue
    {
        public static readonly JoinDue Instance = new();
    }

    private readonly IActorRef _users;
    private readonly int _batch;
    private readonly TimeSpan _interval;
    private int _target;
    private int _base; // configured or scaled-to count; joiners come on top
    private DateTime _origin; // simulated time the base was set
    private readonly JoinSettings _joining;
    private readonly SimulationClock _clock;
    private readonly IActorRef? _mediator;
    private readonly bool _discrete; // the clock runs as fast as it can
    private bool _counting; // the first sweep's EnsureUsers are work the clock counts (it starts once they are done)
    private long _unanswered; // counted EnsureUsers not yet answered (UserEnsured)
    private long _lastAnswer = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Counted EnsureUsers the first sweep keeps unanswered at most: ten batches, at least 5,000.</summary>
    public static long InFlightLimit(int batch) => Math.Max(5_000, 10L * batch);
    private bool _told; // the clocks were told the population is ready
    private bool _paused;
    private int _position; // next index to ensure; 0 = idle
    private int _toldUpTo; // every user up to this index was told at least once
    private readonly bool _usersSleep;
    private bool _wakeSleepers; // this sweep pauses or resumes: it must reach sleepers too
    private long _sweeps;
    private readonly List<IActorRef> _afterSweep = new(); // SetPaused askers, answered when every user was told

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="mediator">DistributedPubSub's mediator: tells every node's clock that the population is ready (null in tests).</param>
    public SimulationManagerActor(IActorRef users, int target, int batch, TimeSpan ensureInterval, JoinSettings? joining = null, SimulationClock? clock = null,
        IActorRef? mediator = null, bool usersSleep = false)
    {
        _usersSleep = usersSleep;
        _users = users;
        _target = _base = target;
        _joining = joining ?? new JoinSettings(0);
        _clock = clock ?? new SimulationClock(1);
        _mediator = mediator;
        _discrete = _clock.AsFastAsPossible;
        // a manager taking over from a crashed node finds the clock running: its first sweep is not the population's
        _counting = !_clock.Started;
        _told = _clock.Started;
        _origin = _clock.Now;
        _batch = batch;
        _interval = ensureInterval;

        Receive<Sweep>(_ =>
        {
            RaiseTargetByJoiners();
            StartSweep();
        });
        Receive<RoutineSweep>(_ =>
        {
            RaiseTargetByJoiners();
            if (!_usersSleep) StartSweep();
            else if (_toldUpTo < _target) StartSweep(_toldUpTo + 1);
        });
        Receive<Scheduled>(s =>
        {
            if (s.Message is JoinDue) Join(s.Due);
            _clock.Ledger.Tell(new WorkDone(s.Ticket));
        });
        Receive<SweepStep>(_ => Step());
        // a counted EnsureUser is done (its user may live on another node: it reports here, to the counting clock)
        Receive<UserEnsured>(u =>
        {
            if (u.CountedBy != _clock.Id) return;
            _clock.Ledger.Tell(new WorkDone(u.Ticket));
            if (_unanswered > 0) _unanswered--;
            _lastAnswer = System.Diagnostics.Stopwatch.GetTimestamp();
        });
        Receive<ScalePopulation>(s =>
        {
            for (var i = s.Target + 1; i <= _target; i++) _users.Tell(new RetireUser(ProfileRules.UserId(i)));
            _target = _base = s.Target;
            _origin = _clock.Now;
            ScheduleJoin();
            StartSweep();
            Sender.Tell(Status());
        });
        Receive<SetPaused>(p =>
        {
            _paused = p.Paused;
            _wakeSleepers = true;
            StartSweep();
            _afterSweep.Add(Sender);
        });
        Receive<GetSimulationStatus>(_ => Sender.Tell(Status()));
        Receive<Akka.Cluster.ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Akka.Cluster.ClusterEvent.IMemberEvent>(e =>
        {
            if (e is not (Akka.Cluster.ClusterEvent.MemberUp or Akka.Cluster.ClusterEvent.MemberRemoved)) return;
            StartSweep();
            SweepSoonAgain();
        });
    }

    /// <summary>Paced: the joiners due by now raise the target (as fast as it can, they come through the schedule).</summary>
    private void RaiseTargetByJoiners()
    {
        if (!_discrete) _target = Math.Max(_target, Population.TargetAt(_base, _joining, _clock.Now - _origin));
    }

    private SimulationStatus Status() => new(_target, _paused, _position, _sweeps);

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        _counting = false;
        _told = true;
    }

    protected override void PreStart()
    {
        ScheduleJoin();
        Timers.StartSingleTimer("first-sweep", Sweep.Instance, TimeSpan.Zero);
        Timers.StartPeriodicTimer("sweep", RoutineSweep.Instance, _interval, _interval);
        // a manager that took over from a crashed node sweeps again while the crashed node's shards find a new home
        SweepSoonAgain();
        if (((ExtendedActorSystem)Context.System).Provider is Akka.Cluster.IClusterActorRefProvider)
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(Akka.Cluster.ClusterEvent.MemberUp), typeof(Akka.Cluster.ClusterEvent.MemberRemoved));
    }

    /// <summary>As fast as it can: the next joiner's simulated instant, through the clock's schedule.</summary>
    private void ScheduleJoin()
    {
        if (!_discrete || _joining.GrowthPerDay <= 0 || _base <= 0) return;
        var joined = _target - _base;
        var at = _origin + TimeSpan.FromDays((joined + 1) / (_base * _joining.GrowthPerDay)) + TimeSpan.FromMilliseconds(1);
        _clock.Schedule.Set(Self, "join", at, JoinDue.Instance);
    }

    /// <summary>Joiners due at <paramref name="at"/> are created now, as work the clock counts.</summary>
    private void Join(DateTime at)
    {
        var target = Math.Max(_target, Population.TargetAt(_base, _joining, at - _origin));
        for (var i = _target + 1; i <= target; i++) _users.Tell(new EnsureUser(ProfileRules.UserId(i), i, _paused, _clock.Id, _clock.BeginWork(_users)));
        _target = target;
        ScheduleJoin();
    }

    protected override void PostStop()
    {
        _clock.Ledger.Tell(new HolderStopped(Self.Path.Name), Self); // its join timer, if released to it unread, is closed
        _clock.Schedule.CancelAll(Self);
        if (((ExtendedActorSystem)Context.System).Provider is Akka.Cluster.IClusterActorRefProvider)
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    /// <summary>
    /// After a membership change the shard coordinator (itself possibly moving) reallocates the shards of a node that
    /// left or crashed and the rebalance moves others; users of those shards run again only when a message reaches
    /// them, so a few sweeps follow (5, 15 and 25 s later) rather than waiting for the interval.
    /// </summary>
    private void SweepSoonAgain()
    {
        foreach (var seconds in new[] { 5, 15, 25 })
            Timers.StartSingleTimer($"after-membership-change-{seconds}", Sweep.Instance, TimeSpan.FromSeconds(seconds));
    }

    private void StartSweep(int from = 1)
    {
        var idle = _position == 0;
        _position = idle ? from : Math.Min(_position, from);
        if (idle) Self.Tell(new SweepStep());
    }

    private void Step()
    {
        if (_position == 0) return;
        // (unless no user answered for 10 s: users whose first write failed never answer)
        if (_counting && _unanswered >= InFlightLimit(_batch) && System.Diagnostics.Stopwatch.GetElapsedTime(_lastAnswer) < TimeSpan.FromSeconds(10))
        {
            // the first sweep goes only as fast as users get created: each EnsureUser starts an actor, and a million of
            // them started at once (with their writes queued) took 8 GB and timed their writes out
            Timers.StartSingleTimer("step", new SweepStep(), TimeSpan.FromMilliseconds(20));
            return;
        }
        var end = Math.Min(_target, _position + _batch - 1);
        for (var i = _position; i <= end; i++)
        {
            var id = ProfileRules.UserId(i);
            // a user asleep on this node exists and is woken by its timers: a sweep would only wake it; a pause reaches it
            // where it sleeps (waking every sleeper to pause it made a node's shutdown drain recover its whole population)
            if (_clock.Schedule.IsAsleep(id) && (!_wakeSleepers || (_paused && SleepingPopulation.PauseAsleep(_clock.Schedule, id)))) continue;
            if (_counting) _unanswered++;
            // counted: the ledger counts it until its user answers (UserEnsured)
            _users.Tell(new EnsureUser(id, i, _paused, _counting ? _clock.Id : null, _counting ? _clock.BeginWork(_users) : 0));
        }
        _toldUpTo = Math.Max(_toldUpTo, end);
        if (end >= _target)
        {
            _position = 0;
            _wakeSleepers = false;
            _sweeps++;
            if (!_told)
            {
                // every user of the first sweep was told (as fast as it can: and counted): the clocks start
                _told = true;
                _counting = false;
                var ready = new PopulationReady(_clock.Id);
                if (_mediator is not null) _mediator.Tell(new Publish(ClockTopics.Clock, ready));
                else _clock.Ledger.Tell(ready);
            }
            foreach (var asker in _afterSweep) asker.Tell(Status());
            _afterSweep.Clear();
            return;
        }
        _position = end + 1;
        Timers.StartSingleTimer("step", new SweepStep(), TimeSpan.FromMilliseconds(20));
    }
}

/// <summary>Wires the population's manager onto the node's actor system.</summary>
public static class SimulationManagerHosting
{
    /// <summary>The population's manager, a cluster singleton.</summary>
    public static AkkaConfigurationBuilder WithSimulationManager(this AkkaConfigurationBuilder builder, AfuSettings settings, SimulationClock clock, string role) =>
        builder.WithSingleton<SimulationManagerActor>("simulation-manager",
            (system, registry, _) => Props.Create(() => new SimulationManagerActor(registry.Get<FakeUserActor>(), settings.TargetUserCount, settings.EnsureBatch, settings.EnsureInterval,
                settings.Behaviour.Joining, clock, DistributedPubSub.Get(system).Mediator, settings.UserRules().Sleeps)),
            new ClusterSingletonOptions { Role = role });
}
