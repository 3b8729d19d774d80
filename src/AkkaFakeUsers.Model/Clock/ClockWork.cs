namespace AkkaFakeUsers.Clock;

/// <summary>
/// A message that is simulated work the clock counts from when it is sent to a user until the user has stored what it
/// decided. If it is dead-lettered instead (its user stopped with it in its mailbox or stash: its shard was handed to
/// another node, it was retired, a write failed), the node's clock driver counts it done: work that will
/// never be done must not hold the clock. Send messages of such a type only as counted work.
/// </summary>
public interface IClockWork
{
    /// <summary>Released due work's ticket (0: work counted without one).</summary>
    long Ticket => 0;
}
