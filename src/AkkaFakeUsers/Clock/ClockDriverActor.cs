// One actor for the clock's two ways of running (paced and as fast as it can), the cluster skew and the ledger's messages: 440 lines because they share the release, the peers and the status.
using Akka.Hosting;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;

namespace AkkaFakeUsers.Clock;

/// <summary>Something else that holds the clock while it is at its limit (the LLM gateway's queue).</summary>
public sealed record BacklogGauge(string Name, Func<long> Read, long Limit);

/// <summary>
/// One per node: advances its <see cref="SimulationClock"/> and releases the work of its <see cref="SimSchedule"/> as it
/// falls due. Paced (a finite time-scale): every 10 ms it releases what is due and lets time run on at the configured
/// scale (never more than two ticks ahead of its last check), unless the node is behind: more released work not done
/// than afu.clock.max-backlog, work released more than afu.clock.max-lag after it fell due (a user's next post is set
/// when its last one is done), or a gauge such as the LLM queue at its limit. Then time holds until the node catches
/// up, so a slow machine makes a slower run, not different data. As fast as it can (max): it releases the next batch (the work due within afu.clock.step of the
/// next due time), waits until every piece of it is done and the local feed has taken in the posts, likes and comment
/// notices it published (a barrier through pub/sub), then jumps to the next batch. Every node publishes its
/// simulated time; no clock runs more than afu.clock.max-skew ahead of the slowest node's.
/// </summary>
public sealed class ClockDriverActor : ReceiveActor, IWithTimers
{
    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Report
    {
        public static readonly Report Instance = new();
    }

    /// <summary>A timer handed on after a pause (its holder stopped on a failure).</summary>
    private sealed record Deliver(IActorRef To, Scheduled Message);

    private enum Phase { Idle, Working, Barrier }

    private static readonly TimeSpan ResendAfterFailure = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan PeerExpiry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan EffectiveWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PacedTick = TimeSpan.FromMilliseconds(10);

    private readonly SimulationClock _clock;
    private readonly ClockSettings _s;
    private readonly IActorRef? _mediator;
    private readonly IReadOnlyList<BacklogGauge> _gauges;
    private readonly IReadOnlyList<string> _barrierTopics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<DueWork> _due = new();
    private readonly List<(string Owner, IActorRef Via)> _wakeUps = new();
    private readonly Dictionary<string, (DateTime Now, long Seen)> _peers = new();
    private readonly Queue<(long Real, DateTime Sim)> _samples = new();
    private readonly HashSet<string> _acks = new();
    private readonly WorkLedger _ledger; // counted work not yet done: owned here alone
    private readonly List<DateTime> _dropped = new();
    private readonly long _startedTicks = Stopwatch.GetTimestamp();
    private bool _ready; // the manager's first sweep told every user
    private bool _adopted;
    private Phase _phase = Phase.Idle;
    private long _barrierId, _barrierStarted, _batches, _stalls;
    private string? _heldBy;
    private bool _finished;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="mediator">DistributedPubSub's mediator (null without a cluster: no peers, no feed barrier).</param>
    /// <param name="barrierTopics">The feed's topics a batch's barrier travels on (posts, likes, comment notices).</param>
    /// <param name="waitForPopulation">As fast as it can: stay at the start until <see cref="PopulationReady"/> (the manager's first sweep).</param>
    public ClockDriverActor(SimulationClock clock, ClockSettings settings, IActorRef? mediator, IReadOnlyList<BacklogGauge> gauges,
        IReadOnlyList<string> barrierTopics, bool waitForPopulation)
    {
        _clock = clock;
        _s = settings;
        _mediator = mediator;
        _gauges = gauges;
        _barrierTopics = mediator is null ? [] : barrierTopics;
        if (!waitForPopulation) _clock.Started = true;
        _ledger = new WorkLedger(settings.StallTimeout);

        Receive<Tick>(_ =>
        {
            Sample();
            if (_clock.AsFastAsPossible) Progress();
            else PacedStep();
        });
        // the ledger: counted work begun by others, strands reported done, holders that stopped
        Receive<WorkBegun>(b => _ledger.Begun(b));
        Receive<WorkDone>(d =>
        {
            OnReported(_ledger.Done(d.Ticket, d.Continued, Sender));
        });
        // a holder stopped (fell asleep, handed off, retired, a failed write): what it held and never reported is closed;
        // a timer released to it just as it stopped goes where its owner's entries go now (the shard region, which starts it)
        Receive<HolderStopped>(h =>
        {
            var stopped = Sender;
            // after a failure the shard learns of its entity's end only later: what reaches the shard before that goes to the
            // stopped actor and is lost, so the timers go after a pause (which also paces restarts while a database is away)
            var after = h.Abnormal ? ResendAfterFailure : TimeSpan.Zero;
            OnReported(_ledger.Stopped(stopped, h.Abnormal ? h.Owner : null, r => Resend(r, stopped, after)));
        });
        Receive<Deliver>(d => d.To.Tell(d.Message, Self));
        Receive<BarrierPassed>(b =>
        {
            if (b.Id != _barrierId || _phase != Phase.Barrier) return;
            _acks.Add(b.Topic);
            Progress();
        });
        Receive<PopulationReady>(_ =>
        {
            if (_clock.Started || _ready) return;
            _log.Info("population ready: the clock starts at {0:u} once every user of the first sweep is created", _clock.Now);
            _ready = true;
            if (_clock.AsFastAsPossible)
            {
                _clock.Started = true;
                Progress();
            }
        });
        Receive<Report>(_ => _mediator?.Tell(new Publish(ClockTopics.Clock,
            new ClockReport(_clock.Id, Cluster().SelfAddress.ToString(), _clock.Now))));
        Receive<ClockReport>(r =>
        {
            if (r.ClockId == _clock.Id) return;
            _peers[r.ClockId] = (r.Now, Stopwatch.GetTimestamp());
            Adopt();
        });
        // a timer reached its user on another node (its shard moved there while it slept here): its timers live there now
        Receive<WorkMovedAway>(m =>
        {
            if (m.Owner is not null) _clock.Schedule.CancelAll(m.Owner);
            OnReported(_ledger.Done(m.Ticket, 0, Sender));
        });
        Receive<SubscribeAck>(_ => { });
        Receive<GetClockStatus>(_ => Sender.Tell(Status()));
    }

    private Akka.Cluster.Cluster Cluster() => Akka.Cluster.Cluster.Get(Context.System);

    protected override void PreStart()
    {
        _clock.AttachLedger(Self);
        Timers.StartPeriodicTimer("tick", Tick.Instance, _clock.AsFastAsPossible ? TimeSpan.FromMilliseconds(50) : PacedTick);
        if (_mediator is null) return;
        _mediator.Tell(new Subscribe(ClockTopics.Clock, Self));
        Timers.StartPeriodicTimer("report", Report.Instance, TimeSpan.FromMilliseconds(500));
    }

    protected override void PostStop()
    {
        _mediator?.Tell(new Unsubscribe(ClockTopics.Clock, Self));
    }

    // ------------------------------------------------------------------ paced

    private void PacedStep()
    {
        if (!_clock.Started)
        {
            // the population is not there yet (or, joining a running cluster, no other clock heard from yet)
            if (_peers.Count == 0 && !(_ready && _ledger.Pending <= 0))
            {
                _heldBy = "the population's first sweep";
                if (_ready && _ledger.SinceProgress > _s.StallTimeout) Forget("users of the first sweep did not report created");
                return;
            }
            _clock.Started = true;
        }
        if (_ledger.Pending > 0 && _ledger.SinceProgress > _s.StallTimeout) Forget("work made no progress");
        var now = _clock.Now;
        _due.Clear();
        _clock.Schedule.TakeDue(now, _due);
        foreach (var d in _due) Release(d);
        WakeAhead(now);
        // how far behind the clock the earliest released work not yet done fell due (a user whose previous work was done
        // late sets its next due time late, so a chain of work falls behind even with a short queue)
        var frontier = Frontier();
        var late = frontier is { } fr ? now - fr : TimeSpan.Zero;
        var horizon = Horizon();
        _heldBy = Backlog(late) ?? (now >= horizon && horizon < _clock.End ? SlowestNode() : null);
        var rate = _heldBy is null ? _s.Scale : 0;
        // never further than two ticks ahead of this check: a driver starved of CPU must not leave the clock running unchecked
        var limit = Min(Min(horizon, _clock.End), now + Ticks(2));
        if (frontier is { } f && f + _s.MaxLag < limit)
        {
            // the clock may run on only to max-lag past the earliest work not yet done
            limit = f + _s.MaxLag;
            if (_heldBy is null && limit < now + Ticks(1))
                _heldBy = $"due work not done: {_ledger.Pending:N0}, the earliest {(now - f).TotalSeconds:N0}s (simulated) behind the clock (limit {_s.MaxLag.TotalSeconds:0}s)";
        }
        _clock.Pace(rate, limit);
        CheckFinished(now);
    }

    /// <summary>
    /// What holds a paced clock back now, or null: too much released work not done, work done too far behind the clock
    /// (the simulated time at which the oldest unfinished release went out, work being done roughly in release order),
    /// or a gauge at its limit.
    /// </summary>
    private string? Backlog(TimeSpan late)
    {
        var pending = _ledger.Pending;
        if (pending > _s.MaxBacklog) return $"due work not done: {pending:N0} (limit {_s.MaxBacklog:N0})";
        if (late > _s.MaxLag) return $"due work {late.TotalSeconds:N0}s (simulated) late (limit {_s.MaxLag.TotalSeconds:0}s)";
        foreach (var g in _gauges)
        {
            var v = g.Read();
            if (v >= g.Limit) return $"{g.Name}: {v:N0} (limit {g.Limit:N0})";
        }
        return null;
    }

    // ------------------------------------------------------------------ as fast as it can

    private void Progress()
    {
        if (!_clock.Started)
        {
            // a node that joins a cluster already running starts with it
            if (_peers.Count == 0) return;
            _clock.Started = true;
        }
        switch (_phase)
        {
            case Phase.Working:
                if (_ledger.Pending <= 0) StartBarrier();
                else if (_ledger.SinceProgress > _s.StallTimeout) Stalled("work made no progress");
                break;
            case Phase.Barrier:
                if (_acks.Count >= _barrierTopics.Count)
                {
                    if (_ledger.Pending <= 0) Advance();
                    else _phase = Phase.Working; // comment notices handed on behind the barrier: wait for them, then pass a new one
                }
                else if (Stopwatch.GetElapsedTime(_barrierStarted) > _s.StallTimeout) Stalled("the feed did not pass the barrier");
                break;
            default:
                // idle (started, or nothing was due): work may have come meanwhile (the population's first users)
                if (_ledger.Pending > 0) _phase = Phase.Working;
                else StartBarrier();
                break;
        }
    }

    private void Stalled(string what)
    {
        Forget(what);
        _phase = Phase.Idle;
        Advance();
    }

    /// <summary>Work counted but never reported done (an actor stopped with it in its mailbox, a user on another node): given up on.</summary>
    private void Forget(string what)
    {
        _stalls++;
        var forgotten = _ledger.Clear();
        _log.Warning("clock at {0:u}: {1} for {2:0}s; going on ({3} pieces of work forgotten; a run with such a stall is not reproducible)",
            _clock.Now, what, _s.StallTimeout.TotalSeconds, forgotten);
    }

    private void StartBarrier()
    {
        _phase = Phase.Barrier;
        _barrierId++;
        _barrierStarted = Stopwatch.GetTimestamp();
        _acks.Clear();
        if (_barrierTopics.Count == 0)
        {
            Advance();
            return;
        }
        foreach (var topic in _barrierTopics) _mediator!.Tell(new Publish(topic, new FeedBarrier(_clock.Id, _barrierId, topic)));
    }

    private void Advance()
    {
        _phase = Phase.Idle;
        var now = _clock.Now;
        var limit = Min(Horizon(), _clock.End);
        var next = _clock.Schedule.NextDue;
        if (next is null || next.Value > limit)
        {
            _heldBy = next is not null && next.Value <= _clock.End ? SlowestNode() : null;
            if (_heldBy is null && _clock.End != DateTime.MaxValue && _ledger.Pending <= 0) _clock.Jump(_clock.End, _clock.End);
            CheckFinished(_clock.Now);
            return;
        }
        _heldBy = null;
        var from = next.Value;
        var windowEnd = Min(from + _s.Step, limit);
        _due.Clear();
        var taken = _clock.Schedule.TakeDue(windowEnd, _due, _s.MaxBatch);
        var stamp = taken >= _s.MaxBatch ? _due[^1].Due : windowEnd;
        _clock.Jump(from, stamp);
        _batches++;
        _phase = Phase.Working;
        foreach (var d in _due) Release(d);
        WakeAhead(stamp);
    }

    // ------------------------------------------------------------------ shared

    /// <summary>Sleepers whose next work is near (their wake-ahead time has come): woken now, uncounted, so their recovery overlaps the clock's progress.</summary>
    private void WakeAhead(DateTime upTo)
    {
        _wakeUps.Clear();
        _clock.Schedule.TakeWakeUps(upTo, _wakeUps);
        foreach (var (owner, via) in _wakeUps) via.Tell(new WakeUp(owner), Self);
    }

    /// <summary>The ledger took a report; as fast as it can, a batch with nothing left moves on at once.</summary>
    private void OnReported(bool nothingLeft)
    {
        if (nothingLeft && _clock.AsFastAsPossible) Progress();
    }

    /// <summary>Due work goes to its owner's target as counted work with a ticket of its own.</summary>
    private void Release(DueWork d)
    {
        var s = new Scheduled(d.Key, d.Due, d.Message, _clock.NewTicket()) { Owner = d.Owner, ClockId = _clock.Id };
        _ledger.Released(s, d.Target);
        d.Target.Tell(s, Self);
    }

    /// <summary>A timer released to a holder that stopped before reading it: to where the owner's entries go now, if that is
    /// elsewhere (its next incarnation drops a copy it already read as stale), at once or <paramref name="after"/> a pause.</summary>
    private IActorRef? Resend(Scheduled s, IActorRef stopped, TimeSpan after)
    {
        if (s.Owner is not { } owner || _clock.Schedule.TargetOf(owner) is not { } now || now.Equals(stopped)) return null;
        if (after <= TimeSpan.Zero) now.Tell(s, Self);
        else Timers.StartSingleTimer($"resend-{s.Ticket}", new Deliver(now, s), after);
        return now;
    }

    /// <summary>Paced: the due time of the earliest released work not yet done, or null (work given up on is logged).</summary>
    private DateTime? Frontier()
    {
        _dropped.Clear();
        var frontier = _ledger.Frontier(_dropped);
        foreach (var due in _dropped)
        {
            _stalls++;
            _log.Warning("clock at {0:u}: work due at {1:u} was not reported done within {2:0}s (its owner stopped?); going on without it",
                _clock.Now, due, _s.StallTimeout.TotalSeconds);
        }
        return frontier;
    }

    /// <summary>The simulated span of <paramref name="ticks"/> paced ticks at the configured scale.</summary>
    private TimeSpan Ticks(int ticks) => TimeSpan.FromTicks((long)Math.Min(TimeSpan.MaxValue.Ticks / 4.0, ticks * PacedTick.Ticks * _s.Scale));

    private string SlowestNode() => $"the slowest node ({_peers.Count} peers, max skew {_s.MaxSkew.TotalSeconds:0}s)";

    private void CheckFinished(DateTime now)
    {
        if (_finished || _clock.End == DateTime.MaxValue || now < _clock.End || _ledger.Pending > 0) return;
        if (_clock.Schedule.NextDue is { } n && n <= _clock.End) return;
        _finished = true;
        _clock.MarkFinished();
        _log.Info("the clock reached the end of the run at {0:u} after {1} batches", now, _batches);
    }

    /// <summary>The slowest peer's time plus the max skew (no limit without peers).</summary>
    private DateTime Horizon()
    {
        var now = Stopwatch.GetTimestamp();
        DateTime? slowest = null;
        List<string>? gone = null;
        foreach (var (id, p) in _peers)
        {
            if (Stopwatch.GetElapsedTime(p.Seen, now) > PeerExpiry)
            {
                (gone ??= []).Add(id);
                continue;
            }
            if (slowest is null || p.Now < slowest) slowest = p.Now;
        }
        if (gone is not null) foreach (var id in gone) _peers.Remove(id);
        return slowest is { } s ? s + _s.MaxSkew : DateTime.MaxValue;
    }

    /// <summary>A node that joins a running cluster takes over its time (once, within its first seconds; never backwards).</summary>
    private void Adopt()
    {
        if (_adopted) return;
        _adopted = true;
        if (Stopwatch.GetElapsedTime(_startedTicks) > TimeSpan.FromSeconds(30) || _clock.AsFastAsPossible) return;
        var slowest = _peers.Values.Min(p => p.Now);
        if (slowest <= _clock.Now) return;
        _log.Info("joining the cluster's simulated time: {0:u} (this node was at {1:u})", slowest, _clock.Now);
        _clock.Jump(slowest, slowest);
    }

    private void Sample()
    {
        var now = Stopwatch.GetTimestamp();
        if (_samples.Count > 0 && Stopwatch.GetElapsedTime(_samples.Last().Real, now) < TimeSpan.FromMilliseconds(200)) return;
        _samples.Enqueue((now, _clock.Now));
        while (_samples.Count > 2 && Stopwatch.GetElapsedTime(_samples.Peek().Real, now) > EffectiveWindow) _samples.Dequeue();
    }

    private double? Effective()
    {
        if (_samples.Count < 2) return null;
        var (r0, s0) = _samples.Peek();
        var (r1, s1) = _samples.Last();
        var real = Stopwatch.GetElapsedTime(r0, r1);
        return real < TimeSpan.FromSeconds(1) ? null : (s1 - s0).TotalSeconds / real.TotalSeconds;
    }

    private ClockStatus Status() => new(_clock.AsFastAsPossible ? null : _s.Scale, Effective(), _clock.Start, _clock.Now,
        _clock.End == DateTime.MaxValue ? null : _clock.End, _heldBy, _ledger.Pending, _clock.Schedule.Count, _batches, _stalls, _peers.Count, _finished,
        _clock.Schedule.Asleep, _clock.Schedule.Woken);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}

/// <summary>Wires the node's clock driver onto its actor system.</summary>
public static class ClockDriverHosting
{
    /// <summary>
    /// The node's clock driver: releases the due work of the node's schedule as simulated time advances, holds the clock
    /// while the node is behind (released work not done, the LLM queue half full), and keeps within the max skew of the
    /// other nodes' clocks. As fast as it can, it starts once the manager's first sweep created the population.
    /// </summary>
    /// <param name="gauges">Backlogs besides the clock's own that hold it (the LLM queue).</param>
    /// <param name="barrierTopics">The pub/sub topics a batch's barrier follows (posts, likes, comment notices).</param>
    public static AkkaConfigurationBuilder WithSimulationClock(this AkkaConfigurationBuilder builder, ClockSettings settings, SimulationClock clock,
        IReadOnlyList<BacklogGauge> gauges, IReadOnlyList<string> barrierTopics) =>
        builder.WithActors((system, registry) =>
        {
            var driver = system.ActorOf(Props.Create(() => new ClockDriverActor(clock, settings, DistributedPubSub.Get(system).Mediator, gauges,
                barrierTopics, true)), "sim-clock");
            registry.Register<ClockDriverActor>(driver);
        });
}
