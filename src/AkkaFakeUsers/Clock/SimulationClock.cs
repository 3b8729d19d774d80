using System.Diagnostics;
using Akka.Actor;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Clock;

/// <summary>
/// A node's simulated time. It advances only when its <see cref="ClockDriverActor"/> says so: at the configured time-scale
/// while the node keeps up, slower (held) while work piles up, never faster; with <see cref="AsFastAsPossible"/> it
/// jumps from one batch of due work to the next once the previous batch is done (discrete-event style).
/// Between two driver steps <see cref="Now"/> moves on at the current rate, up to the limit the driver set, so
/// timestamps are continuous and never run ahead of what the driver allowed.
/// </summary>
public sealed class SimulationClock : ISimClock
{
    private sealed record Segment(DateTime Sim, long RealTicks, double Rate, DateTime Limit, DateTime VisibleFrom);

    private readonly Func<long> _realTicks;
    private Segment _segment;

    /// <param name="scale">Simulated seconds per real second; <see cref="double.PositiveInfinity"/> = as fast as it can (<c>--time-scale max</c>).</param>
    /// <param name="start">The simulated instant the run starts at (default: now, real time).</param>
    public SimulationClock(double scale, DateTime? start = null, TimeSpan? runFor = null, Func<long>? realTicks = null)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "time-scale must be > 0");
        Scale = scale;
        _realTicks = realTicks ?? Stopwatch.GetTimestamp;
        Start = start ?? DateTime.UtcNow;
        End = runFor is { } d && d > TimeSpan.Zero ? Start + d : DateTime.MaxValue;
        _segment = new Segment(Start, _realTicks(), 0, Start, Start);
    }

    /// <summary>This clock among the cluster's (work counted on this node carries it).</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public double Scale { get; }

    public bool AsFastAsPossible => double.IsPositiveInfinity(Scale);

    public DateTime Start { get; }

    /// <summary>Simulated instant the run ends at (<c>--sim-duration</c>), or <see cref="DateTime.MaxValue"/>.</summary>
    public DateTime End { get; }

    public SimSchedule Schedule { get; } = new();

    /// <summary>The driver started the clock (the population's first sweep is done, or the node joined a running cluster).
    /// A manager that takes over from a crashed node then counts no sweep of its own.</summary>
    public bool Started
    {
        get => Volatile.Read(ref _started);
        internal set => Volatile.Write(ref _started, value);
    }

    private bool _started;

    /// <summary>
    /// The node's clock driver, which owns the ledger of counted work: whoever hands counted work on tells it
    /// (<see cref="WorkBegun"/>, <see cref="WorkDone"/>, <see cref="HolderStopped"/>); nobody else reads or writes the
    /// ledger. Nobody until the driver starts (tests give a probe).
    /// </summary>
    public IActorRef Ledger => Volatile.Read(ref _ledger);

    private IActorRef _ledger = ActorRefs.Nobody;

    /// <summary>The driver (or a test's probe standing in for it) takes the ledger.</summary>
    public void AttachLedger(IActorRef ledger) => Volatile.Write(ref _ledger, ledger);

    private long _lastTicket;

    /// <summary>A ticket for a new piece of counted work (unique on this node).</summary>
    public long NewTicket() => Interlocked.Increment(ref _lastTicket);

    /// <summary>Counted work begun outside the driver (the feed, the manager, a user) and handed to <paramref name="holder"/>: a new ticket, told to the
    /// ledger before the work is handed on, so it is counted before it can be reported done.</summary>
    public long BeginWork(IActorRef holder)
    {
        var ticket = NewTicket();
        Ledger.Tell(new WorkBegun(ticket, holder));
        return ticket;
    }

    public DateTime Now
    {
        get
        {
            var s = Volatile.Read(ref _segment);
            if (s.Rate == 0) return s.Sim;
            var elapsed = Stopwatch.GetElapsedTime(s.RealTicks, _realTicks());
            var sim = s.Sim + TimeSpan.FromTicks((long)(elapsed.Ticks * s.Rate));
            return sim < s.Limit ? sim : s.Limit;
        }
    }

    /// <summary>
    /// What a decision at simulated instant <paramref name="at"/> may see of other users' posts and likes: those stamped
    /// before the returned instant. Running as fast as it can, that is the start of the batch being worked, whose
    /// posts and likes all arrived before it began, so what a slate sees never depends on which user ran first.
    /// </summary>
    public DateTime VisibleBefore(DateTime at)
    {
        var from = Volatile.Read(ref _segment).VisibleFrom;
        return AsFastAsPossible && from < at ? from : at;
    }

    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the clock reached <see cref="End"/> and every piece of work due before it is done.</summary>
    public Task Finished => _finished.Task;

    internal void MarkFinished() => _finished.TrySetResult();

    /// <summary>The local feed passed a barrier of this clock's driver.</summary>
    public void BarrierPassed(long id, string topic) => Ledger.Tell(new BarrierPassed(id, topic));

    /// <summary>Driver: from now on time moves at <paramref name="rate"/> (0 = held) and never beyond <paramref name="limit"/>.</summary>
    internal void Pace(double rate, DateTime limit)
    {
        var now = Now;
        Volatile.Write(ref _segment, new Segment(now, _realTicks(), rate, limit < now ? now : limit, now));
    }

    /// <summary>Driver, as fast as it can: the batch of work due from <paramref name="from"/> runs, stamped up to <paramref name="now"/>.</summary>
    internal void Jump(DateTime from, DateTime now)
    {
        var current = Now;
        if (now < current) now = current;
        Volatile.Write(ref _segment, new Segment(now, _realTicks(), 0, now, from < now ? from : now));
    }
}
