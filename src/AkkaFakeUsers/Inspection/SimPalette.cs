using System.Globalization;
using System.Text;
using Akka.Actor;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Inspection;

/// <summary><c>sim status|users|user|scale|post|pause|resume</c>: watch and steer the simulation.</summary>
public sealed class SimPalette(InspectionContext ctx) : ICommandPaletteHandler
{
    public const int MaxPopulation = SimulationOperations.MaxPopulation;

    public CommandPalette Palette { get; } = new("sim", "the simulation",
    [
        Ctx.Cmd("status", "population, counts, rates, projection lag, paused?"),
        Ctx.Cmd("users", "users by number of posts",
            CommandArgument.Value("interest", "only users with this interest", ["--interest", "-i"]),
            CommandArgument.Value("top", "how many", ["--top", "-n"], "20")),
        Ctx.Cmd("user", "one user's profile, counters and last posts", CommandArgument.Position("name", "username (sports_fan_17) or id (user-17)")),
        Ctx.Cmd("scale", "grow or shrink the population now", CommandArgument.Position("count", "the new number of users")),
        Ctx.Cmd("post", "make a user post now", CommandArgument.Position("name", "username or id")),
        Ctx.Cmd("pause", "stop every user's timers (no posts, no reactions)"),
        Ctx.Cmd("resume", "restart every user's timers"),
    ]);

    public async Task<CommandResult> HandleAsync(ParsedCommand c, CancellationToken ct) => c.Definition.Name switch
    {
        "status" => await Status(ct),
        "users" => await Users(c, ct),
        "user" => await User(c, ct),
        "scale" => await Scale(c, ct),
        "post" => await Post(c, ct),
        "pause" => await Pause(true, ct),
        "resume" => await Pause(false, ct),
        _ => CommandResult.Error($"unknown command {c.Usage}"),
    };

    private readonly SimulationOperations _ops = new(ctx);

    private async Task<CommandResult> Status(CancellationToken ct)
    {
        var s = await _ops.StatusAsync(ct);
        var minutes = Math.Max(1e-9, s.Uptime.TotalMinutes);
        string PerMin(long n) => Ctx.F(n / minutes);
        return CommandResult.Success(
            $"population    {s.Target} target, {(s.UsersInCluster is { } all ? $"{all} running in the cluster" : "cluster count unavailable")}, {s.UsersRunning} running on this node{Asleep(s)}, {s.UsersCreated} created this run\n" +
            $"paused        {(s.Paused ? "yes" : "no")}\n" +
            $"posts         {s.Posts} ({PerMin(s.Posts)}/min)\n" +
            $"slates        {s.Slates} ({PerMin(s.Slates)}/min), {s.Impressions} impressions\n" +
            $"views         {s.Views} ({PerMin(s.Views)}/min)\n" +
            $"likes         {s.Likes} ({PerMin(s.Likes)}/min)\n" +
            $"comments      {s.Comments} ({PerMin(s.Comments)}/min)\n" +
            $"hides         {s.Hides} ({PerMin(s.Hides)}/min)\n" +
            $"follows       {s.Follows} ({PerMin(s.Follows)}/min)\n" +
            $"events        {s.Events} persisted by this node this run, {s.PersistFailures} failed writes\n" +
            $"projection    offset {s.ProjectionOffset}, lag {s.ProjectionLag} events{(s.ProjectionError is null ? "" : $", last error: {s.ProjectionError}")}\n" +
            $"clock         {ClockLine(s.Clock)}\n" +
            $"uptime        {s.Uptime:d\\.hh\\:mm\\:ss}, seed {s.Seed}");
    }

    /// <summary>", 9,200 asleep on this node" when users sleep here (they exist, their wake-ups are in the node's schedule).</summary>
    private static string Asleep(SimStatusView s) => s.Clock is { Asleep: > 0 } c ? $" and {c.Asleep} asleep" : "";

    /// <summary>"time-scale x720 (effective x310, held by …), simulated 1d 02:00:00 (now 2026-12-01 02:00:00)".</summary>
    public static string ClockLine(AkkaFakeUsers.Clock.ClockStatus? c) => c is null
        ? "? (the clock did not answer)"
        : $"time-scale {c.Describe()}, simulated {AkkaFakeUsers.Clock.ClockStatus.Span(c.Simulated)}" +
          (c.End is { } end ? $" of {AkkaFakeUsers.Clock.ClockStatus.Span(end - c.Start)}" : "") + $" (now {c.Now:yyyy-MM-dd HH:mm:ss})" +
          (c.Backlog > 0 ? $", {c.Backlog:N0} pieces of work under way" : "") + (c.Stalls > 0 ? $", {c.Stalls} stalls" : "") +
          (c.Finished ? ", reached the end of the run" : "");

    private async Task<CommandResult> Users(ParsedCommand c, CancellationToken ct)
    {
        var interest = c.Get("interest");
        if (interest is not null && !InterestCatalog.TryGet(interest, out _))
            return CommandResult.Error($"unknown interest '{interest}'; allowed: {string.Join(", ", InterestCatalog.Names)}\nusage: {c.Usage}");
        if (!int.TryParse(c.Get("top"), out var top) || top is < 1 or > 1000)
            return CommandResult.Error($"--top must be a whole number from 1 to 1000, got '{c.Get("top")}'\nusage: {c.Usage}");
        var rows = await _ops.UsersAsync(interest, top, ct);
        if (rows.Count == 0) return CommandResult.Success(interest is null ? "(no users in the tables yet)" : $"(no user with interest {interest})");
        var sb = new StringBuilder($"{"username",-28} {"id",-12} {"interests",-22} {"posts",6} {"likes",6}\n");
        foreach (var r in rows) sb.AppendLine($"{r.Username,-28} {r.Id,-12} {r.Interests,-22} {r.Posts,6} {r.Likes,6}");
        return CommandResult.Success(sb.ToString().TrimEnd());
    }

    private async Task<CommandResult> User(ParsedCommand c, CancellationToken ct)
    {
        var name = c.Get("name")!;
        var (id, index, target) = await _ops.FindAsync(name, ct);
        if (id is null) return CommandResult.Error($"no user named '{name}' (try `sim users`)");
        if (index > target)
            return CommandResult.Success($"{id} is not part of the population (target {target}): retired, its data kept; `sim scale {index}` brings it back");
        var s = await (await ctx.Actor<FakeUserActor>(ct)).Ask<UserStateReply>(new GetUserState(id), InspectionContext.AskTimeout, ct);
        if (s.Profile is null) return CommandResult.Success($"{id} has not been created yet");
        var p = s.Profile;
        var sb = new StringBuilder();
        sb.AppendLine($"user          {p.Username} ({p.UserId}), {p.DisplayName}");
        sb.AppendLine($"bio           {p.Bio}");
        sb.AppendLine($"interests     {string.Join(", ", p.Interests.Select(i => $"{i.Interest} {i.Weight:0.00} [{string.Join(", ", i.FavoriteSubtopics)}]"))}");
        sb.AppendLine($"persona       {p.Persona.Tone}, emoji {p.Persona.EmojiRate:0.00}, hashtags {p.Persona.HashtagRate:0.00}, activity x{p.ActivityFactor:0.00}");
        sb.AppendLine($"counters      posts {s.Counters.Posts}, slates {s.Counters.Slates}, views {s.Counters.Views}, likes {s.Counters.Likes}, comments {s.Counters.Comments}, hides {s.Counters.Hides}");
        sb.AppendLine($"paused        {(s.Paused ? "yes" : "no")}");
        sb.Append("last posts    ");
        sb.Append(s.LastPosts.Count == 0 ? "(none)" : string.Join("\n              ", s.LastPosts.Reverse().Select(t => t.Length > 100 ? t[..100] + "…" : t)));
        return CommandResult.Success(sb.ToString());
    }

    private async Task<CommandResult> Scale(ParsedCommand c, CancellationToken ct)
    {
        if (!int.TryParse(c.Get("count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0 || n > MaxPopulation)
            return CommandResult.Error($"<count> must be a whole number from 0 to {MaxPopulation}, got '{c.Get("count")}'\nusage: {c.Usage}");
        return Result(await _ops.ScaleAsync(n, ct));
    }

    private async Task<CommandResult> Post(ParsedCommand c, CancellationToken ct) => Result(await _ops.PostNowAsync(c.Get("name")!, ct));

    private async Task<CommandResult> Pause(bool paused, CancellationToken ct) => Result(await _ops.PauseAsync(paused, ct));

    private static CommandResult Result(OperationResult r) => r.Ok ? CommandResult.Success(r.Message) : CommandResult.Error(r.Message);
}
