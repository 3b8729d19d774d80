using Akka;
using Akka.Actor;
using Akka.Hosting;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Hosting;

/// <summary>What the node's shutdown did, for whoever reports it (the CLI's summary): filled in by <see cref="NodeShutdown"/>.</summary>
public sealed class DrainReport
{
    private readonly TaskCompletionSource<DrainOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the drain task has run (it runs once, whatever triggered the shutdown).</summary>
    public Task<DrainOutcome> Completed => _done.Task;

    internal void Set(DrainOutcome outcome) => _done.TrySetResult(outcome);
}

/// <param name="HandedOver">Other nodes were up: this node only handed its users over.</param>
/// <param name="Projection">The projection's state once it caught up (null when it did not answer, or when handed over).</param>
public sealed record DrainOutcome(bool HandedOver, ProjectionStatus? Projection, TimeSpan Took);

/// <summary>
/// The node's shutdown policy, as a CoordinatedShutdown task (phase before-service-unbind), so it runs on every path
/// that stops the node: the end of --duration, Ctrl+C, SIGTERM, a cluster leave or a downing. The last node of the
/// cluster pauses every user (no new posts or reactions) and waits for each to answer, which it does only after its
/// write in flight, then asks the projection to catch up with the journal's end; a node that leaves while others stay
/// only hands its users over (sharding stops them behind their in-flight persists; the others' sweeps wake them there).
/// </summary>
public static class NodeShutdown
{
    public const string TaskName = "afu-drain";

    /// <param name="schedule">The node's schedule: users asleep in it were paused where they sleep by the manager's pause and are not woken to be asked.</param>
    public static AkkaConfigurationBuilder WithDrainOnShutdown(this AkkaConfigurationBuilder builder, DrainReport report, SimSchedule? schedule = null) =>
        builder.AddStartup((system, registry) =>
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, TaskName, async () =>
            {
                report.Set(await DrainAsync(registry, system, schedule));
                return Done.Instance;
            }));

    /// <summary>
    /// Asks every user of the population to pause and waits for all the answers (a user answers only after its write in
    /// flight, if any): then nothing more will be written. Asked in chunks, so 100k users do not flood the node. Users
    /// asleep in <paramref name="schedule"/> (paused there by the manager's pause, their timers dropped) are not asked:
    /// asking would wake, and so recover, each one.
    /// </summary>
    public static async Task PauseEveryUser(IActorRef users, int population, DateTime deadline, SimSchedule? schedule = null)
    {
        const int chunk = 2_000;
        for (var first = 1; first <= population; first += chunk)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("users did not all pause in time");
            var asks = Enumerable.Range(first, Math.Min(chunk, population - first + 1))
                .Select(Domain.ProfileRules.UserId)
                .Where(id => schedule?.IsAsleep(id) != true)
                .Select(id => users.Ask<UserPaused>(new PauseUser(id), left));
            await Task.WhenAll(asks);
        }
    }

    public static async Task<DrainOutcome> DrainAsync(IActorRegistry registry, ActorSystem system, SimSchedule? schedule = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var cluster = Akka.Cluster.Cluster.Get(system);
        var others = cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress));
        if (others > 0) return new DrainOutcome(true, null, watch.Elapsed);
        ProjectionStatus? projected = null;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var manager = await registry.GetAsync<SimulationManagerActor>();
            // The manager stops its sweeps from waking users, and tells how many there are.
            var status = await manager.Ask<SimulationStatus>(new SetPaused(true), TimeSpan.FromSeconds(30));
            await PauseEveryUser(await registry.GetAsync<FakeUserActor>(), status.Target, deadline, schedule);
            // Every write is acknowledged now: one catch-up to the journal's end (read afresh) gets them all.
            var left = deadline - DateTime.UtcNow;
            var projection = await registry.GetAsync<ProjectionActor>();
            projected = await projection.Ask<ProjectionStatus>(new WaitForCatchUp(left), left + TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // the tables catch up on the next start: the projection resumes from its stored offset
        }
        return new DrainOutcome(false, projected, watch.Elapsed);
    }
}
