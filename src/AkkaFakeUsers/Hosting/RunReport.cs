using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;
using Akka.Hosting;

namespace AkkaFakeUsers.Hosting;

/// <summary>What a run tells its operator at the end: how the node drained, and the summary of the tables.</summary>
public static class RunReport
{
    public static string Drained(DrainOutcome? o) => o switch
    {
        null => "afu: the drain did not finish within its phase's time: the projection resumes from its stored offset on the next start",
        { HandedOver: true } => "afu: other nodes stay up: handed this node's users over to them and left the cluster",
        { Projection: null } => $"afu: drain gave up after {o.Took.TotalSeconds:F1}s (the projection did not answer; it resumes from its stored offset on the next start)",
        _ => $"afu: drained in {o.Took.TotalSeconds:F1}s (projection lag {o.Projection.Lag}) and left the cluster",
    };

    /// <summary>The run's calls to ranking services (external:NAME policies) by outcome, and the slates their fallbacks ranked.</summary>
    public static string External(Feed.FeedStatus f)
    {
        var byName = f.External.GroupBy(kv => kv.Key[..kv.Key.IndexOf('/')], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        var parts = byName.Select(g =>
        {
            var outcomes = string.Join(", ", g.OrderBy(kv => kv.Key == g.Key + "/ok" ? 0 : 1).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Value:N0} {kv.Key[(g.Key.Length + 1)..]}"));
            var fallbacks = f.Fallbacks.GetValueOrDefault(g.Key);
            return $"{g.Key}: {outcomes}; {fallbacks:N0} slates ranked by its fallback";
        }).ToList();
        return parts.Count == 0 ? "afu: external policies: no calls (no slate asked for one)" : "afu: external policies: " + string.Join("; ", parts);
    }

    public static string Describe(AfuSettings s) => s.Storage == StorageKind.Sqlite ? $"sqlite ({s.SqlitePath})" : $"postgres ({StoragePreparer.SafeTarget(s.PostgresConnectionString)})";

    public static string Summary(AfuSettings s, TableCounts c, DrainOutcome? drain, TimeSpan elapsed, UserMetrics m, Clock.ClockStatus? clock = null)
    {
        var simulated = clock is null
            ? "? (the clock did not answer)"
            : $"{Clock.ClockStatus.Span(clock.Simulated)} ({clock.Start:yyyy-MM-dd HH:mm:ss} to {clock.Now:yyyy-MM-dd HH:mm:ss}), time-scale {clock.ConfiguredText}, " +
              $"on average x{(elapsed.TotalSeconds > 0 ? clock.Simulated.TotalSeconds / elapsed.TotalSeconds : 0):N0}" + (clock.Stalls > 0 ? $", {clock.Stalls} stalls" : "")
              + (clock.Wakes > 0 || clock.Asleep > 0 ? $"; users woken from sleep {clock.Wakes:N0} times, {clock.Asleep:N0} asleep at the end" : "");
        var lag = drain switch
        {
            { HandedOver: true } => "not drained here (other nodes stay up and go on projecting)",
            { Projection: { } p } => $"{p.Lag} events",
            _ => "unknown (the projection did not answer; it resumes from its offset on the next start)",
        };
        return $"""
            afu: summary after {elapsed:hh\:mm\:ss}
              simulated         {simulated}
              profile           {s.Profile}
              users             {c.Users}
              posts             {c.Posts}
              slates            {c.Slates} ({c.Impressions} impressions)
              views             {c.Views}
              likes             {c.Likes}
              comments          {c.Comments}
              hides             {c.Hides}
              follows           {c.Follows}
              projection lag    {lag}
              events persisted  {m.Events} this run ({m.PersistFailures} writes failed)
              recoveries        {m.Recoveries} users read their history back from the journal
              database          {Describe(s)}
            """;
    }
}

/// <summary>The live status line: users, posts, slates, views, likes, comments, LLM queue depth, events/s, projection lag.</summary>
public sealed class StatusLine(TextWriter output, ActorRegistry registry, UserMetrics metrics, AfuSettings settings)
{
    private readonly bool _interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private long _lastEvents;
    private TimeSpan _lastAt;
    private TimeSpan? _lastPrinted;
    private int _width;

    public async Task PrintAsync(TimeSpan elapsed)
    {
        var events = metrics.Events;
        var rate = (events - _lastEvents) / Math.Max(0.001, (elapsed - _lastAt).TotalSeconds);
        _lastEvents = events;
        _lastAt = elapsed;
        var llm = await registry.TryAskAsync<LlmGatewayActor, LlmStatus>(GetLlmStatus.Instance, TimeSpan.FromMilliseconds(500));
        var clock = await registry.TryAskAsync<Clock.ClockDriverActor, Clock.ClockStatus>(Clock.GetClockStatus.Instance, TimeSpan.FromMilliseconds(500));
        if (clock is not null) LastClock = clock;
        var proj = await registry.TryAskAsync<ProjectionActor, ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromMilliseconds(500));
        // users live on this node: awake, and asleep (no actor, woken in time by the schedule)
        var asleep = clock?.Asleep ?? 0;
        var users = asleep > 0 ? $"{metrics.UsersActive + asleep}/{settings.TargetUserCount} ({asleep} asleep)" : $"{metrics.UsersActive}/{settings.TargetUserCount}";
        var line = $"[{elapsed:hh\\:mm\\:ss}] users {users} | posts {metrics.Posts} | slates {metrics.Slates} | views {metrics.Views} | likes {metrics.Likes} | comments {metrics.Comments}" +
                   $" | llm {Llm(llm)} | {rate:F1} events/s | projection lag {proj?.Lag.ToString() ?? "?"}" +
                   $" | sim {(clock is null ? "?" : $"{Clock.ClockStatus.Span(clock.Simulated)} {clock.Describe()}")}";
        if (_interactive)
        {
            _width = Math.Max(_width, line.Length);
            await output.WriteAsync("\r" + line.PadRight(_width));
        }
        else if (_lastPrinted is null || elapsed - _lastPrinted.Value >= TimeSpan.FromSeconds(5))
        {
            _lastPrinted = elapsed;
            await output.WriteLineAsync(line);
        }
    }

    /// <summary>The clock as the last status line saw it.</summary>
    public Clock.ClockStatus? LastClock { get; private set; }

    private static string Llm(LlmStatus? s) => s is null
        ? "?"
        : s.Primary == BuiltInGenerator.GeneratorName
            ? $"builtin queue {s.QueueDepth}"
            : $"{s.Primary} {s.Breaker} queue {s.QueueDepth} in-flight {s.InFlight} fallbacks {s.Fallbacks} p95 {s.LatencyP95Ms:F0}ms";

    public void EndLine()
    {
        if (_interactive) output.WriteLine();
    }

}
