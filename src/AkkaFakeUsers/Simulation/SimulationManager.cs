using Akka.Actor;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Simulation;

/// <summary>
/// Keeps the population at its target: sweeps user-1..user-N through the shard region with <see cref="EnsureUser"/>
/// (creating the missing ones, waking the rest) on start, every ensure-interval, and after every change.
/// Sweeps go in batches so 100k users do not land in one burst. Scale-down retires the surplus (they passivate, data kept).
/// New users join over time (afu.behaviour.joining): each sweep raises the target by <see cref="Population.TargetAt"/>.
/// When a node joins, leaves or is downed it sweeps at once and a few times in the next 25 s: the users of a crashed
/// node's shards, and of shards the rebalance moved, run again once their shards have a new home, not at the next interval.
/// One per cluster (a singleton).
/// </summary>
public sealed class SimulationManager : ReceiveActor, IWithTimers
{
    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private sealed record SweepStep;

    private readonly IActorRef _users;
    private readonly int _batch;
    private readonly TimeSpan _interval;
    private int _target;
    private int _base; // configured or scaled-to count; joiners come on top
    private DateTime _origin; // simulated time the base was set
    private readonly JoinSettings _joining;
    private readonly ISimClock _clock;
    private bool _paused;
    private int _position; // next index to ensure; 0 = idle
    private long _sweeps;
    private readonly List<IActorRef> _afterSweep = new(); // SetPaused askers, answered when every user was told

    public ITimerScheduler Timers { get; set; } = null!;

    public SimulationManager(IActorRef users, int target, int batch, TimeSpan ensureInterval, JoinSettings? joining = null, ISimClock? clock = null)
    {
        _users = users;
        _target = _base = target;
        _joining = joining ?? new JoinSettings(0);
        _clock = clock ?? new SimClock(1);
        _origin = _clock.Now;
        _batch = batch;
        _interval = ensureInterval;

        Receive<Sweep>(_ =>
        {
            _target = Math.Max(_target, Population.TargetAt(_base, _joining, _clock.Now - _origin));
            StartSweep();
        });
        Receive<SweepStep>(_ => Step());
        Receive<ScalePopulation>(s =>
        {
            for (var i = s.Target + 1; i <= _target; i++) _users.Tell(new RetireUser(ProfileRules.UserId(i)));
            _target = _base = s.Target;
            _origin = _clock.Now;
            StartSweep();
            Sender.Tell(Status());
        });
        Receive<SetPaused>(p =>
        {
            _paused = p.Paused;
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

    private SimulationStatus Status() => new(_target, _paused, _position, _sweeps);

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("sweep", Sweep.Instance, TimeSpan.Zero, _interval);
        // a manager that took over from a crashed node sweeps again while the crashed node's shards find a new home
        SweepSoonAgain();
        if (((ExtendedActorSystem)Context.System).Provider is Akka.Cluster.IClusterActorRefProvider)
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(Akka.Cluster.ClusterEvent.MemberUp), typeof(Akka.Cluster.ClusterEvent.MemberRemoved));
    }

    protected override void PostStop()
    {
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

    private void StartSweep()
    {
        var idle = _position == 0;
        _position = 1;
        if (idle) Self.Tell(new SweepStep());
    }

    private void Step()
    {
        if (_position == 0) return;
        var end = Math.Min(_target, _position + _batch - 1);
        for (var i = _position; i <= end; i++) _users.Tell(new EnsureUser(ProfileRules.UserId(i), i, _paused));
        if (end >= _target)
        {
            _position = 0;
            _sweeps++;
            foreach (var asker in _afterSweep) asker.Tell(Status());
            _afterSweep.Clear();
            return;
        }
        _position = end + 1;
        Timers.StartSingleTimer("step", new SweepStep(), TimeSpan.FromMilliseconds(20));
    }
}
