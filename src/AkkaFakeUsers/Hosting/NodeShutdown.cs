using Akka;
using Akka.Actor;
using Akka.Hosting;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;

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
/// cluster pauses every user (no new posts or reactions), lets in-flight writes finish and waits for the projection to
/// reach the journal's end; a node that leaves while others stay only hands its users over (sharding stops them behind
/// their in-flight persists; the others' sweeps wake them there).
/// </summary>
public static class NodeShutdown
{
    public const string TaskName = "afu-drain";

    public static AkkaConfigurationBuilder WithDrainOnShutdown(this AkkaConfigurationBuilder builder, DrainReport report) =>
        builder.AddStartup((system, registry) =>
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, TaskName, async () =>
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var outcome = await DrainAsync(registry, system);
                report.Set(outcome with { Took = watch.Elapsed });
                return Done.Instance;
            }));

    public static async Task<DrainOutcome> DrainAsync(IActorRegistry registry, ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var others = cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress));
        if (others > 0) return new DrainOutcome(true, null, TimeSpan.Zero);
        try
        {
            var manager = await registry.GetAsync<SimulationManager>();
            await manager.Ask<SimulationStatus>(new SetPaused(true), TimeSpan.FromSeconds(30));
            await Task.Delay(500); // in-flight writes (a user answers a pause only after its pending persists: to be asked, see the cluster issue)
            var projection = await registry.GetAsync<ProjectionActor>();
            return new DrainOutcome(false, await projection.Ask<ProjectionStatus>(new WaitForCatchUp(TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(40)), TimeSpan.Zero);
        }
        catch (Exception)
        {
            return new DrainOutcome(false, null, TimeSpan.Zero); // the tables catch up on the next start: the projection resumes from its stored offset
        }
    }
}
