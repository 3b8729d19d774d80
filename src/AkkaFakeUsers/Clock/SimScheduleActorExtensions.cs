using Akka.Actor;

namespace AkkaFakeUsers.Clock;

/// <summary>The schedule's entries of an actor, owned under the actor's name.</summary>
public static class SimScheduleActorExtensions
{
    /// <summary>Sets (or replaces) the entry of an actor under <paramref name="key"/> (the actor's name is its owner name).</summary>
    public static void Set(this SimSchedule schedule, IActorRef owner, string key, DateTime due, object message) =>
        schedule.Set(owner.Path.Name, owner, key, due, message);

    /// <summary>Cancels every entry of the actor and its sleep record.</summary>
    public static void CancelAll(this SimSchedule schedule, IActorRef owner) => schedule.CancelAll(owner.Path.Name);
}
