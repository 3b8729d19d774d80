using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaFakeUsers.Clock;

namespace AkkaFakeUsers.Users;

/// <summary>What a sleeping user leaves in its node's schedule to carry on where it stopped: its runtime (the counts its
/// random draws are numbered by), the due time of each of its timers, and the journal position it slept at.</summary>
public sealed record SleepRecord(UserRuntime Runtime, (string Key, DateTime Due)[] Timers, long SequenceNr);

/// <summary>
/// One user's timers, as entries of its node's <see cref="SimSchedule"/> under the user's id: it remembers the due time
/// it set last per key (a released entry that is no longer the latest is stale), and puts the user to sleep and wakes it
/// (<see cref="SleepRecord"/>). Used by the <see cref="FakeUserActor"/> actor on its own thread.
/// Falling asleep takes three steps, so that nothing sent to the user is lost: <see cref="MaybeDoze"/> asks the feed to
/// hand comment notices on through the shard region from now on; <see cref="Dozed"/> (the feed's answer, behind every
/// notice it handed on directly) asks the shard to passivate the user if it may still sleep, so the shard buffers what
/// comes next; <see cref="FallAsleep"/> (the shard's answer) leaves the sleep record, and the actor stops.
/// </summary>
/// <param name="users">The shard region (null: the user never sleeps).</param>
public sealed class UserTimers(string userId, SimSchedule schedule, IActorRef feed, IActorRef? users)
{
    private readonly Dictionary<string, DateTime> _due = new(StringComparer.Ordinal);
    private bool _dozing, _asleep;

    /// <summary>Step 1: the user may sleep; the feed is asked to stop handing it notices directly.</summary>
    public void MaybeDoze(bool maySleep, IActorRef self)
    {
        if (_dozing || users is null || !maySleep) return;
        _dozing = true;
        feed.Tell(new Dozing(userId), self);
    }

    /// <summary>Step 2: the feed answered; passivate if the user may still sleep, else join the feed again.</summary>
    public void Dozed(bool maySleep, IActorRef self, IActorRef shard)
    {
        _dozing = false;
        if (maySleep) shard.Tell(new Passivate(GoToSleep.Instance));
        else feed.Tell(new JoinFeed(userId, self));
    }

    /// <summary>Step 3: the shard passivates the user (it buffers what comes from now on, and starts the user again with it).</summary>
    public void FallAsleep(UserRuntime runtime, long sequenceNr, TimeSpan wakeAhead)
    {
        Sleep(runtime, sequenceNr, users!, wakeAhead);
        _asleep = true;
    }

    /// <summary>The actor stopped: asleep, its timers wake it; handed off or retired (<paramref name="leaving"/>), they are
    /// gone; stopped by a failed write, they start it again through the shard region.</summary>
    /// <summary>It fell asleep (its sleep record is in the schedule).</summary>
    public bool Asleep => _asleep;

    public void Stopped(bool leaving)
    {
        if (leaving || users is null) CancelAll();
        else if (!_asleep) schedule.Redirect(userId, users);
    }

    public void Start(IActorRef self, string key, DateTime due, object message)
    {
        _due[key] = due;
        schedule.Set(userId, self, key, due, message);
    }

    public void CancelAll()
    {
        _due.Clear();
        schedule.CancelAll(userId);
    }

    /// <summary>True if <paramref name="s"/> is the latest entry set under its key (and it is then no longer pending).</summary>
    public bool TakeReleased(Scheduled s)
    {
        if (!_due.TryGetValue(s.Key, out var due) || due != s.Due) return false;
        _due.Remove(s.Key);
        return true;
    }

    /// <summary>The earliest due time of the user's timers, or null.</summary>
    public DateTime? Earliest
    {
        get
        {
            DateTime? min = null;
            foreach (var d in _due.Values)
                if (min is null || d < min) min = d;
            return min;
        }
    }

    /// <summary>The user falls asleep: its timers stay in the schedule and go through <paramref name="wakeVia"/> (the shard region) from now on.</summary>
    /// <param name="wakeAhead">How long before its next timer the user is woken (so its recovery holds nothing up).</param>
    private void Sleep(UserRuntime runtime, long sequenceNr, IActorRef wakeVia, TimeSpan wakeAhead) =>
        schedule.Sleep(userId, new SleepRecord(runtime, _due.Select(kv => (kv.Key, kv.Value)).ToArray(), sequenceNr), wakeVia, Earliest - wakeAhead);

    /// <summary>
    /// The user starts again after recovering to <paramref name="sequenceNr"/>: its runtime as it fell asleep, with its
    /// timers, or null when it was not asleep here. A record of another journal position (the user ran on another node
    /// meanwhile) is dropped with its entries: the user then starts afresh.
    /// </summary>
    public UserRuntime? Wake(IActorRef self, long sequenceNr)
    {
        if (schedule.Wake(userId, self) is not SleepRecord r) return null;
        if (r.SequenceNr != sequenceNr)
        {
            schedule.CancelAll(userId);
            return null;
        }
        foreach (var (key, due) in r.Timers) _due[key] = due;
        return r.Runtime;
    }
}
