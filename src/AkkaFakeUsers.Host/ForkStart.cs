using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Host;

/// <summary>
/// <c>afu run --fork-from SOURCE --at TIME</c>: checked and planned before anything is written (bad input exits 2 with
/// nothing written), copied once the run's own store is prepared; the run then resumes at TIME exactly
/// (<c>afu.simulation.start</c> = TIME; the new store's training tables are empty, so nothing moves the start later).
/// </summary>
public static class ForkStart
{
    /// <returns>The plan, or null when the run is no fork.</returns>
    public static async Task<ForkPlan?> PlanAsync(ParsedArgs args, AfuSettings settings, CancellationToken ct)
    {
        var from = args.Flag("fork-from");
        var at = args.Flag("at");
        if (from is null)
            return at is null ? null : throw new UsageException("afu run: --at needs --fork-from (the run to fork)");
        if (at is null)
            throw new UsageException("afu run: --fork-from needs --at TIME (2026-01-01T06:00:00Z, or a duration after the source's first event such as 6h)");
        var plan = await StoreFork.PlanAsync(ForkSource.Parse(from), at, ct);
        await StoreFork.EnsureEmptyTargetAsync(settings.Storage == StorageKind.Sqlite ? SqlDialect.Sqlite : SqlDialect.Postgres,
            settings.PostgresConnectionString, settings.SqlitePath, RunReport.Describe(settings), ct);
        return plan;
    }

    /// <summary>The fork's start line.</summary>
    public static string Line(ForkPlan plan, ForkCopied copied) =>
        $"afu: forked from {plan.Source.Name} at {plan.At:yyyy-MM-dd'T'HH:mm:ss'Z'}: {copied.Events:N0} events of {plan.Users:N0} users copied, " +
        $"{copied.Snapshots:N0} snapshots ({copied.SnapshotsDropped:N0} taken later dropped), {plan.After:N0} later events dropped" +
        (plan.HeldBack > 0 ? $" and {plan.HeldBack:N0} earlier ones behind them (a user's events after its first later one, or a slate whose outcome falls later)" : "") +
        $"; the training tables are projected from the copy; simulated time resumes at {plan.At:yyyy-MM-dd'T'HH:mm:ss'Z'}";
}
