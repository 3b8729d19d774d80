namespace AkkaFakeUsers.Domain;

/// <summary>Simulated time: timestamps in the tables are simulated (see Clock.SimulationClock, which advances it).</summary>
public interface ISimClock
{
    DateTime Now { get; }

    /// <summary>The simulated instant this run started at (trends are scheduled from it).</summary>
    DateTime Start { get; }
}
