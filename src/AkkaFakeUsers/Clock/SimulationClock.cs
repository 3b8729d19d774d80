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

    public WorkCounter Work { get; } = new();

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
    public void BarrierPassed(long id, string topic) => Work.Driver.Tell(new BarrierPassed(id, topic));

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

/// <summary>
/// Simulated work started on this node and not yet done: released due work until the user has stored what it decided,
/// texts asked of the gateway, slates asked of the feed, comment notices handed to users. Zero means the node is quiet;
/// the transition to zero tells the driver at once.
/// </summary>
public sealed class WorkCounter
{
    private long _pending;
    private long _lastProgress = Stopwatch.GetTimestamp();
    private IActorRef _driver = ActorRefs.Nobody;

    internal IActorRef Driver => _driver;

    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>When work was last finished (to tell a stall from slow work).</summary>
    public TimeSpan SinceProgress => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastProgress));

    internal void Attach(IActorRef driver) => _driver = driver;

    public void Begin() => Interlocked.Increment(ref _pending);

    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _doneTickets = new();

    /// <summary>Released work (<see cref="Scheduled.Ticket"/>) is done.</summary>
    public void End(long ticket)
    {
        if (ticket != 0) _doneTickets.Enqueue(ticket);
        End();
    }

    internal bool TryTakeDone(out long ticket) => _doneTickets.TryDequeue(out ticket);

    public void End()
    {
        Interlocked.Exchange(ref _lastProgress, Stopwatch.GetTimestamp());
        if (Interlocked.Decrement(ref _pending) == 0) _driver.Tell(ClockDriverActor.Quiet.Instance);
    }

    /// <summary>One piece of work that will never be reported done.</summary>
    internal void ForgetOne() => Interlocked.Decrement(ref _pending);

    /// <summary>Work that was counted but will never be reported done (an actor stopped with it in its mailbox): forget it.</summary>
    internal long Forget() => Interlocked.Exchange(ref _pending, 0);
}
