using Akka.Actor;
using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Clock;

// What the clock tells its owners, what nodes tell each other about their clocks, and what the clock reports.

/// <summary>
/// Due work released by the clock: the owner's entry <paramref name="Key"/>, due at <paramref name="Due"/> (simulated).
/// The owner reports it done with <see cref="WorkDone"/> and <paramref name="Ticket"/>.
/// <see cref="Owner"/> and <see cref="ClockId"/> say whose entry it is and which node's clock counts it: a sleeping
/// user's entry travels through the shard region (which routes it by <see cref="Owner"/>), and should the user's shard
/// have moved to another node meanwhile, the user there answers <see cref="WorkMovedAway"/> (so it crosses the network:
/// its message is written with its type's name).
/// </summary>
public sealed record Scheduled(string Key, DateTime Due,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(NamedTypeConverter))] object Message,
    long Ticket = 0) : Akka.Actor.INotInfluenceReceiveTimeout, IAfuSerializable
{
    public string? Owner { get; init; }

    public string? ClockId { get; init; }
}

/// <summary>
/// Wakes a sleeping owner a little ahead of its next due work (sent through the shard region, which starts it): not work
/// the clock counts, so the owner recovers while the clock goes on, and is awake when its work is released.
/// </summary>
public sealed record WakeUp(string Owner) : Akka.Actor.INotInfluenceReceiveTimeout, IAfuSerializable;

/// <summary>
/// Counted work that reached its user on another node than the one that counts it (the user's shard moved there while
/// it slept): the counting node's clock counts it done, and forgets the entries of <paramref name="Owner"/> (if given),
/// which now live on the other node.
/// </summary>
public sealed record WorkMovedAway(string? Owner, long Ticket) : IAfuSerializable;

// ---------------------------------------------------------------- the ledger of counted work (the clock driver owns it)

/// <summary>
/// Counted work begun by another actor than the driver (which counts what it releases itself): the feed handing a
/// comment notice on, the manager's counted <c>EnsureUser</c>, a user's text asked outside counted work. Sent to the driver
/// before the work is handed to <paramref name="Holder"/>, so it is counted before it can be reported done.
/// </summary>
public sealed record WorkBegun(long Ticket, IActorRef Holder);

/// <summary>
/// The holder of counted work <paramref name="Ticket"/> decided it and stored what it decided (or the write failed):
/// <paramref name="Continued"/> answers it asked for carry the ticket on (the sender holds them), and the work is done when
/// no strand of it is left.
/// </summary>
public sealed record WorkDone(long Ticket, int Continued = 0);

/// <summary>
/// The sender (a user, the manager) stopped: counted work it held and never reported is closed, and due work released
/// to it unread goes where the owner's entries go now (the shard region, which starts it again), so work that will never
/// be done cannot hold the clock and no timer is lost. <paramref name="Abnormal"/>: it stopped on a failure (its recovery
/// or a write), not to sleep or leave: then due work of <paramref name="Owner"/> released through the region that started
/// it was in its mailbox or stash too, and goes the same way (a copy its next incarnation already read is dropped by it
/// as stale).
/// </summary>
public sealed record HolderStopped(string Owner, bool Abnormal = false);

/// <summary>The pub/sub topic nodes share their clocks on.</summary>
public static class ClockTopics
{
    public const string Clock = "sim-clock";
}

/// <summary>A node's simulated time, published every half second; no node runs more than the max skew ahead of the slowest.</summary>
public sealed record ClockReport(string ClockId, string Node, DateTime Now) : IAfuSerializable;

/// <summary>The population's first sweep is done (sent by the manager): a clock running as fast as it can starts then.</summary>
public sealed record PopulationReady(string ClockId) : IAfuSerializable;

/// <summary>
/// Sent through pub/sub on each feed topic behind the posts, likes and comment notices of a batch of work: the local feed
/// answers <see cref="BarrierPassed"/> when it has taken in everything published before it.
/// </summary>
public sealed record FeedBarrier(string ClockId, long Id, string Topic) : IAfuSerializable;

/// <summary>The local feed took in everything published before barrier <paramref name="Id"/> on <paramref name="Topic"/>.</summary>
public sealed record BarrierPassed(long Id, string Topic);

public sealed record GetClockStatus
{
    public static readonly GetClockStatus Instance = new();
}

/// <summary>
/// The clock as the status line, <c>sim status</c>, the dashboard and /metrics show it. <paramref name="Configured"/> is
/// null for "max"; <paramref name="Effective"/> is simulated seconds per real second over the last few seconds (null
/// before there are any); <paramref name="HeldBy"/> says what keeps the clock below its configured pace (null when it
/// keeps up). <paramref name="Asleep"/>: users asleep on this node (their wake-ups in its schedule);
/// <paramref name="Wakes"/>: users woken from sleep on this node since it started.
/// </summary>
public sealed record ClockStatus(
    double? Configured,
    double? Effective,
    DateTime Start,
    DateTime Now,
    DateTime? End,
    string? HeldBy,
    long Backlog,
    int Scheduled,
    long Batches,
    long Stalls,
    int Peers,
    bool Finished,
    int Asleep = 0,
    long Wakes = 0)
{
    public TimeSpan Simulated => Now - Start;

    /// <summary>The simulated time covered, as "1d 02:00:00".</summary>
    public string SimulatedText => Span(Simulated);

    /// <summary>The run's simulated length, or null.</summary>
    public string? EndText => End is { } e ? Span(e - Start) : null;

    /// <summary><see cref="Describe"/>, for the dashboard.</summary>
    public string Text => Describe();

    public string ConfiguredText => Configured is { } c ? $"x{Fmt(c)}" : "max";

    public string EffectiveText => Effective is { } e ? $"x{Fmt(e)}" : "?";

    /// <summary>One phrase: "x720", "x720 (effective x310, held by due work: 2,104)" or "max (effective x9,870)".</summary>
    public string Describe()
    {
        // keeping up (or not measured yet, over the first second) and nothing holds it: the configured scale says it all
        if (Configured is { } c && HeldBy is null && (Effective is not { } e || e >= 0.95 * c)) return ConfiguredText;
        var held = HeldBy is null ? "" : $", held by {HeldBy}";
        return $"{ConfiguredText} (effective {EffectiveText}{held})";
    }

    public static string Span(TimeSpan t) => t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t:hh\\:mm\\:ss}" : $"{t:hh\\:mm\\:ss}";

    private static string Fmt(double v) => v >= 100 ? v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
        : v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
