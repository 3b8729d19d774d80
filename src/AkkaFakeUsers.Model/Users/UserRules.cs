using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Users;

/// <summary>
/// The settings a user is decided by: handed to <see cref="FakeUserDecider"/> and <see cref="FakeUserState.Apply"/> on
/// every call, never kept in persisted state (a snapshot holds what the user did, not how the run is configured).
/// </summary>
public sealed record UserRules(
    long Seed,
    InterestMix Interests,
    TimeSpan PostInterval,
    double PostJitter,
    ReactionSettings Reactions,
    BehaviourSettings Behaviour,
    int SnapshotEvery,
    SessionSettings Sessions,
    TimeSpan MaxPostAge,
    TimeSpan SleepAfter = default)
{
    /// <summary>Snapshots kept per user: the newest ones; older snapshots are deleted (journal events never are).</summary>
    public const int SnapshotsKept = 2;

    /// <summary>Posts older than this are no longer shown (afu.feed.max-post-age); reaction marks are kept twice as long.</summary>
    public TimeSpan Horizon => MaxPostAge;

    /// <summary>Users sleep when idle (afu.users.sleep-after &gt; 0).</summary>
    public bool Sleeps => SleepAfter > TimeSpan.Zero;
}

/// <summary>What a decision may read besides the state: who the user is, the rules, and the simulated time.</summary>
/// <param name="Origin">The simulated instant the run started at (trends are scheduled from it).</param>
/// <param name="Now">The simulated instant of the decision: the due time of released work, else the clock's time.</param>
/// <param name="VisibleBefore">Other users' posts and likes stamped before this are what a slate may show (see SimulationClock.VisibleBefore).</param>
/// <param name="Ticket">The clock's ticket of the input being decided, when the clock counts it as work (0: it does not).</param>
public sealed record UserContext(string UserId, int Index, UserRules Rules, DateTime Now, DateTime Origin, DateTime? VisibleBefore = null, long Ticket = 0);
