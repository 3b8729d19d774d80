using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Inspection;

/// <summary>What the command palettes read from: the node's actor system, actors, metrics, settings and tables.</summary>
public sealed record InspectionContext(ActorSystem System, ActorRegistry Registry, UserMetrics Metrics, AfuSettings Settings, TrainingStore Store, DateTime StartedAt)
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public async Task<IActorRef> Actor<T>(CancellationToken ct) => await Registry.GetAsync<T>(ct);
}

internal static class Ctx
{
    public static CommandDefinition Cmd(string name, string description, params CommandArgument[] args) => new(name, description, args);

    public static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary><c>actor hierarchy [-d depth]</c>, <c>actor system</c>.</summary>
public sealed class ActorPalette(InspectionContext ctx) : ICommandPaletteHandler
{
    public CommandPalette Palette { get; } = new("actor", "the actors of this node",
    [
        Ctx.Cmd("hierarchy", "the actor tree under /user and /system", CommandArgument.Value("depth", "levels to show", ["-d", "--depth"], "3")),
        Ctx.Cmd("system", "actor system name, address, uptime"),
    ]);

    public Task<CommandResult> HandleAsync(ParsedCommand c, CancellationToken ct)
    {
        if (c.Definition.Name == "system")
        {
            var ext = (ExtendedActorSystem)ctx.System;
            return Task.FromResult(CommandResult.Success(
                $"name      {ctx.System.Name}\naddress   {ext.Provider.DefaultAddress}\nstarted   {ctx.StartedAt:O}\nuptime    {DateTime.UtcNow - ctx.StartedAt:d\\.hh\\:mm\\:ss}\n" +
                $"threads   {System.Diagnostics.Process.GetCurrentProcess().Threads.Count}\nmemory    {GC.GetTotalMemory(false) / (1 << 20)} MiB managed, {Environment.WorkingSet / (1 << 20)} MiB working set"));
        }
        if (!int.TryParse(c.Get("depth"), out var depth) || depth < 1)
            return Task.FromResult(CommandResult.Error($"-d must be a whole number >= 1, got '{c.Get("depth")}'\nusage: {c.Usage}"));
        var sb = new StringBuilder();
        var ext2 = (ExtendedActorSystem)ctx.System;
        Walk(ext2.Guardian, 0, depth, sb);
        Walk(ext2.SystemGuardian, 0, depth, sb);
        return Task.FromResult(CommandResult.Success(sb.ToString().TrimEnd()));
    }

    private static void Walk(IActorRef actor, int level, int depth, StringBuilder sb)
    {
        var children = actor is ActorRefWithCell cell ? cell.Children.ToList() : [];
        sb.Append(new string(' ', level * 2)).Append(actor.Path.Name);
        if (level + 1 >= depth && children.Count > 0) sb.Append($" ({children.Count} children)");
        sb.AppendLine();
        if (level + 1 >= depth) return;
        const int max = 25;
        foreach (var child in children.OrderBy(c => c.Path.Name, StringComparer.Ordinal).Take(max)) Walk(child, level + 1, depth, sb);
        if (children.Count > max) sb.Append(new string(' ', (level + 1) * 2)).AppendLine($"… {children.Count - max} more");
    }
}

/// <summary><c>cluster show</c>, <c>cluster sharding</c>.</summary>
public sealed class ClusterPalette(InspectionContext ctx) : ICommandPaletteHandler
{
    public CommandPalette Palette { get; } = new("cluster", "cluster membership and sharding",
    [
        Ctx.Cmd("show", "members, status, roles, leader, unreachable"),
        Ctx.Cmd("sharding", "regions, shards and users per node",
            new CommandArgument("verbose", "also list the users running on this node", ["-v", "--verbose"], IsFlag: true)),
    ]);

    public async Task<CommandResult> HandleAsync(ParsedCommand c, CancellationToken ct)
    {
        var cluster = Cluster.Get(ctx.System);
        if (c.Definition.Name == "show")
        {
            var state = cluster.State;
            var sb = new StringBuilder();
            sb.AppendLine($"self      {cluster.SelfAddress}");
            sb.AppendLine($"leader    {state.Leader?.ToString() ?? "(none)"}");
            foreach (var m in state.Members.OrderBy(m => m.Address.ToString()))
                sb.AppendLine($"member    {m.Address}  {m.Status}  roles [{string.Join(",", m.Roles)}]");
            sb.Append($"unreachable {(state.Unreachable.Count == 0 ? "(none)" : string.Join(", ", state.Unreachable.Select(u => u.Address)))}");
            return CommandResult.Success(sb.ToString());
        }
        var region = await ctx.Actor<FakeUserActor>(ct);
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), InspectionContext.AskTimeout, ct);
        var lines = new StringBuilder("region \"user\"\n");
        foreach (var (address, r) in stats.Regions.OrderBy(kv => kv.Key.ToString()))
            lines.AppendLine($"  {address}  shards {r.Stats.Count}  users {r.Stats.Values.Sum()}");
        lines.Append($"  total shards {stats.Regions.Values.Sum(r => r.Stats.Count)}, users {stats.Regions.Values.Sum(r => r.Stats.Values.Sum())}");
        if (c.Get("verbose") == "true")
        {
            var local = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, InspectionContext.AskTimeout, ct);
            var ids = local.Shards.SelectMany(sh => sh.EntityIds).OrderBy(id => ProfileRules.TryParseIndex(id, out var i) ? i : int.MaxValue).ToList();
            lines.Append($"\nlocal users ({ids.Count}): {string.Join(" ", ids)}");
        }
        return CommandResult.Success(lines.ToString());
    }
}

/// <summary><c>log peek [-n N]</c>.</summary>
public sealed class LogPalette(InspectionContext ctx) : ICommandPaletteHandler
{
    public CommandPalette Palette { get; } = new("log", "recent log lines kept in memory",
        [Ctx.Cmd("peek", "the last N log lines", CommandArgument.Value("count", "how many lines", ["-n", "--count"], "20"))]);

    public Task<CommandResult> HandleAsync(ParsedCommand c, CancellationToken ct)
    {
        if (!int.TryParse(c.Get("count"), out var n) || n < 1 || n > 1000)
            return Task.FromResult(CommandResult.Error($"-n must be a whole number from 1 to 1000, got '{c.Get("count")}'\nusage: {c.Usage}"));
        var lines = LogBuffer.For(ctx.System.Name).Last(n);
        return Task.FromResult(CommandResult.Success(lines.Count == 0 ? "(no log lines yet)" : string.Join('\n', lines)));
    }
}

/// <summary><c>llm status</c>.</summary>
public sealed class LlmPalette(InspectionContext ctx) : ICommandPaletteHandler
{
    public CommandPalette Palette { get; } = new("llm", "the LLM gateway of this node", [Ctx.Cmd("status", "generator, breaker, queue, latencies, failures")]);

    public async Task<CommandResult> HandleAsync(ParsedCommand c, CancellationToken ct)
    {
        var s = await (await ctx.Actor<LlmGatewayActor>(ct)).Ask<LlmStatus>(GetLlmStatus.Instance, InspectionContext.AskTimeout, ct);
        string Dict(IReadOnlyDictionary<string, long> d) => d.Count == 0 ? "none" : string.Join(", ", d.Select(kv => $"{kv.Key} {kv.Value}"));
        return CommandResult.Success(
            $"generator     {s.Primary} ({s.Model})\nbreaker       {s.Breaker}\nrequests      {s.Requests}\nin flight     {s.InFlight} (max seen {s.MaxInFlightSeen}, limit {ctx.Settings.Llm.MaxInFlight}{(ctx.Settings.Llm.ServerQueue > 0 ? $" + {ctx.Settings.Llm.ServerQueue} in the server's queue" : "")})\n" +
            $"queue         {s.QueueDepth} (limit {ctx.Settings.Llm.MaxQueue})\nsuccesses     {s.Successes} (rate {(s.SuccessRate is { } rate ? rate.ToString("P1") : "undefined: nothing asked yet")})\nretries       {s.Retries}\nfallbacks     {s.Fallbacks} ({Dict(s.FallbacksByReason)})\n" +
            $"failures      {Dict(s.FailuresByKind)}\nlatency       p50 {Ctx.F(s.LatencyP50Ms)} ms, p95 {Ctx.F(s.LatencyP95Ms)} ms, p99 {Ctx.F(s.LatencyP99Ms)} ms\n" +
            $"queue wait    p99 {Ctx.F(s.QueueWaitP99Ms)} ms\ntokens/s      {(s.TokensPerSecond is { } t ? Ctx.F(t) : "n/a")}");
    }
}

/// <summary><c>feed status</c>, <c>feed policy MIX</c> (every node's feed switches to the mix).</summary>
public sealed class FeedPalette(InspectionContext ctx) : ICommandPaletteHandler
{
    public CommandPalette Palette { get; } = new("feed", "the feed of this node",
    [
        Ctx.Cmd("status", "candidate pool, slates served by policy, random share, learned policy"),
        Ctx.Cmd("policy", "switch every node's feed to a policy mix, e.g. feed policy \"interest=0.8, popular=0.2\"",
            CommandArgument.Position("mix", PolicyMixText.Help)),
    ]);

    public async Task<CommandResult> HandleAsync(ParsedCommand c, CancellationToken ct)
    {
        if (c.Definition.Name == "policy")
        {
            var text = c.Get("mix") ?? "";
            if (!PolicyMixText.TryParse(text, out var mix, out var error)) return CommandResult.Error($"{error}\nusage: {c.Usage}");
            var normal = string.Join(", ", mix.Select(p => $"{p.Name}={Ctx.F(p.Share)}"));
            Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(ctx.System).Mediator
                .Tell(new Akka.Cluster.Tools.PublishSubscribe.Publish(FeedTopics.Control, new SetFeedPolicy(normal)));
            return CommandResult.Success($"feed policy -> {normal} (published to every node's feed)");
        }
        var s = await (await ctx.Actor<FeedActor>(ct)).Ask<FeedStatus>(GetFeedStatus.Instance, InspectionContext.AskTimeout, ct);
        var byPolicy = s.SlatesByPolicy.Count == 0 ? "none" : string.Join(", ", s.SlatesByPolicy.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"));
        var randomShare = s.Slates == 0 ? 0 : 100.0 * s.RandomSlates / s.Slates;
        return CommandResult.Success(
            $"members       {s.Members} live users on this node\npolicy        {s.Policy}\n" +
            $"pool          {s.Pool} posts ({s.PostsReceived} received, {s.RemotePosts} from other nodes' users, {s.Likes} likes counted)\n" +
            $"slates        {s.Slates} ({byPolicy}); {s.Impressions} impressions, {s.EmptySlates} empty\n" +
            $"random share  {s.RandomSlates} slates ({Ctx.F(randomShare)}%, configured {Ctx.F(ctx.Settings.Feed.RandomShare * 100)}%)\n" +
            $"learned       trained on {s.LearnedExamples} examined slots, refreshed {s.LearnedRefreshes} times");
    }
}
