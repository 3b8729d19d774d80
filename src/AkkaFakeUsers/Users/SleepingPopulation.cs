using Akka.Actor;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Users;

/// <summary>
/// A restart without recovering every user up front: each user the journal holds starts asleep in the node's schedule,
/// its first post and session planned at the node's start exactly as its going live would plan them (the decider's
/// own <see cref="Recovered"/> rule, on its profile made again from the seed), and it recovers from the journal only
/// when one of them falls due (or a notice or command reaches it). Its record carries the highest sequence number the
/// journal held at start, so a user that wrote meanwhile on another node starts afresh instead.
/// </summary>
public static class SleepingPopulation
{
    /// <summary>Schedules every known user up to <paramref name="target"/> asleep; returns how many.</summary>
    public static int Restore(KnownUsers known, int target, UserRules rules, SimSchedule schedule, IActorRef region, DateTime now)
    {
        var restored = 0;
        var prefix = FakeUserActor.PersistenceIdFor("");
        foreach (var (pid, seq) in known.WithSequenceNrs)
        {
            var userId = pid.StartsWith(prefix, StringComparison.Ordinal) ? pid[prefix.Length..] : null;
            if (userId is null || seq <= 0 || !ProfileRules.TryParseIndex(userId, out var index) || index > target) continue;
            var profile = ProfileRules.Create(rules.Seed, index, rules.Interests, rules.Behaviour.Activity) with { UserId = userId };
            var state = FakeUserState.Empty with { Profile = profile };
            var live = FakeUserDecider.Decide(state, UserRuntime.Initial, Recovered.Instance, new UserContext(userId, index, rules, now, now));
            var timers = live.Effects.OfType<StartTimer>().ToArray();
            foreach (var t in timers) schedule.Set(userId, region, t.Key, t.Due, t.Message);
            DateTime? earliest = timers.Length == 0 ? null : timers.Min(t => t.Due);
            schedule.Sleep(userId, new SleepRecord(live.Runtime, timers.Select(t => (t.Key, t.Due)).ToArray(), seq), region, earliest - rules.SleepAfter / 2);
            restored++;
        }
        return restored;
    }

    /// <summary>Pauses a user asleep on this node where it sleeps (its timers dropped, its record paused), without waking
    /// it; false when it does not sleep here. A resume wakes it (it plans its timers anew).</summary>
    public static bool PauseAsleep(SimSchedule schedule, string userId) =>
        schedule.RewriteAsleep(userId, r => r is SleepRecord s ? s with { Runtime = FakeUserDecider.Paused(s.Runtime), Timers = [] } : r, dropEntries: true);
}
