namespace AkkaFakeUsers.Domain;

/// <summary>Simulated time. With time-scale S, one real second is S simulated seconds; timestamps in the tables are simulated.</summary>
public interface ISimClock
{
    DateTime Now { get; }

    /// <summary>The simulated instant this run started at (trends are scheduled from it).</summary>
    DateTime Start { get; }

    /// <summary>How long to wait in real time until the simulated instant <paramref name="simulatedDue"/>.</summary>
    TimeSpan RealDelayUntil(DateTime simulatedDue);

    /// <summary>Real duration of a simulated span.</summary>
    TimeSpan Real(TimeSpan simulated);
}

public sealed class SimClock : ISimClock
{
    private readonly DateTime _anchorReal;
    private readonly DateTime _anchorSim;
    private readonly double _scale;
    private readonly Func<DateTime> _utcNow;

    public SimClock(double scale, DateTime? anchorSim = null, Func<DateTime>? utcNow = null)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale));
        _utcNow = utcNow ?? (() => DateTime.UtcNow);
        _scale = scale;
        _anchorReal = _utcNow();
        _anchorSim = anchorSim ?? _anchorReal;
    }

    public DateTime Start => _anchorSim;

    public DateTime Now => _anchorSim + TimeSpan.FromTicks((long)((_utcNow() - _anchorReal).Ticks * _scale));

    public TimeSpan RealDelayUntil(DateTime simulatedDue)
    {
        var sim = simulatedDue - Now;
        return sim <= TimeSpan.Zero ? TimeSpan.Zero : Real(sim);
    }

    public TimeSpan Real(TimeSpan simulated) => TimeSpan.FromTicks((long)(simulated.Ticks / _scale));
}
