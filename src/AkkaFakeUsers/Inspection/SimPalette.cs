using System.Data.Common;
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
    public const int MaxPopulation = 10_000_000;

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

    private async Task<SimulationStatus> ManagerStatus(CancellationToken ct) =>
        await (await ctx.Actor<SimulationManager>(ct)).Ask<SimulationStatus>(GetSimulationStatus.Instance, InspectionContext.AskTimeout, ct);

    private async Task<CommandResult> Status(CancellationToken ct)
    {
        var sim = await ManagerStatus(ct);
        var proj = await (await ctx.Actor<ProjectionActor>(ct)).Ask<ProjectionStatus>(GetProjectionStatus.Instance, InspectionContext.AskTimeout, ct);
        var m = ctx.Metrics;
        var minutes = Math.Max(1e-9, (DateTime.UtcNow - ctx.StartedAt).TotalMinutes);
        string PerMin(long n) => Ctx.F(n / minutes);
        return CommandResult.Success(
            $"population    {sim.Target} target, {m.UsersActive} running on this node, {m.UsersCreated} created this run\n" +
            $"paused        {(sim.Paused ? "yes" : "no")}\n" +
            $"posts         {m.Posts} ({PerMin(m.Posts)}/min)\n" +
            $"slates        {m.Slates} ({PerMin(m.Slates)}/min), {m.Impressions} impressions\n" +
            $"views         {m.Views} ({PerMin(m.Views)}/min)\n" +
            $"likes         {m.Likes} ({PerMin(m.Likes)}/min)\n" +
            $"comments      {m.Comments} ({PerMin(m.Comments)}/min)\n" +
            $"hides         {m.Hides} ({PerMin(m.Hides)}/min)\n" +
            $"follows       {m.Follows} ({PerMin(m.Follows)}/min)\n" +
            $"events        {m.Events} persisted by this node this run, {m.PersistFailures} failed writes\n" +
            $"projection    offset {proj.Offset}, lag {proj.Lag} events{(proj.LastError is null ? "" : $", last error: {proj.LastError}")}\n" +
            $"uptime        {DateTime.UtcNow - ctx.StartedAt:d\\.hh\\:mm\\:ss}, seed {ctx.Settings.Seed}, time-scale {Ctx.F(ctx.Settings.TimeScale)}");
    }

    private async Task<CommandResult> Users(ParsedCommand c, CancellationToken ct)
    {
        var interest = c.Get("interest");
        if (interest is not null && !InterestCatalog.TryGet(interest, out _))
            return CommandResult.Error($"unknown interest '{interest}'; allowed: {string.Join(", ", InterestCatalog.Names)}\nusage: {c.Usage}");
        if (!int.TryParse(c.Get("top"), out var top) || top is < 1 or > 1000)
            return CommandResult.Error($"--top must be a whole number from 1 to 1000, got '{c.Get("top")}'\nusage: {c.Usage}");
        await using var conn = await ctx.Store.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        var where = interest is null ? "" : "WHERE (',' || u.interests || ',') LIKE @pattern";
        cmd.CommandText = $"""
            SELECT u.id, u.username, u.interests,
                   (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id) AS posts,
                   (SELECT COUNT(*) FROM user_interactions i WHERE i.user_id = u.id AND i.type = 'like') AS likes
            FROM users u {where}
            ORDER BY posts DESC, u.username
            LIMIT {top}
            """;
        if (interest is not null) StoreConnection.AddParam(cmd, "@pattern", $"%,{interest.ToLowerInvariant()},%");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var sb = new StringBuilder($"{"username",-28} {"id",-12} {"interests",-22} {"posts",6} {"likes",6}\n");
        var n = 0;
        while (await r.ReadAsync(ct))
        {
            n++;
            sb.AppendLine($"{r.GetString(1),-28} {r.GetString(0),-12} {r.GetString(2),-22} {Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture),6} {Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture),6}");
        }
        if (n == 0) return CommandResult.Success(interest is null ? "(no users in the tables yet)" : $"(no user with interest {interest})");
        return CommandResult.Success(sb.ToString().TrimEnd());
    }


    /// <summary>A username or id → the user id, from the users table (or the id itself).</summary>
    private async Task<string?> Resolve(string name, CancellationToken ct)
    {
        if (ProfileRules.TryParseIndex(name, out _)) return name;
        await using var conn = await ctx.Store.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id FROM users WHERE username = @name";
        StoreConnection.AddParam(cmd, "@name", name);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The user a command names: its id, and whether it is part of the population now (index within the target).</summary>
    private sealed record Member(string? Id, int Index, int Target, string Name)
    {
        public bool Found => Id is not null;
        public bool InPopulation => Index <= Target;
        public CommandResult NotFound => CommandResult.Error($"no user named '{Name}' (try `sim users`)");
    }

    private async Task<Member> Find(ParsedCommand c, CancellationToken ct)
    {
        var name = c.Get("name")!;
        var id = await Resolve(name, ct);
        var index = id is not null && ProfileRules.TryParseIndex(id, out var i) ? i : 0;
        return new Member(id, index, (await ManagerStatus(ct)).Target, name);
    }

    private async Task<CommandResult> User(ParsedCommand c, CancellationToken ct)
    {
        var m = await Find(c, ct);
        if (!m.Found) return m.NotFound;
        var id = m.Id!;
        if (!m.InPopulation)
            return CommandResult.Success($"{id} is not part of the population (target {m.Target}): retired, its data kept; `sim scale {m.Index}` brings it back");
        var region = await ctx.Actor<FakeUser>(ct);
        var s = await region.Ask<UserStateReply>(new GetUserState(id), InspectionContext.AskTimeout, ct);
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
        var before = await ManagerStatus(ct);
        var after = await (await ctx.Actor<SimulationManager>(ct)).Ask<SimulationStatus>(new ScalePopulation(n), InspectionContext.AskTimeout, ct);
        var what = n > before.Target ? $"creating or waking user-{before.Target + 1}..user-{n}"
            : n < before.Target ? $"retiring user-{n + 1}..user-{before.Target} (they stop and passivate; their data stays)"
            : "unchanged";
        return CommandResult.Success($"population {before.Target} -> {after.Target}: {what}");
    }

    private async Task<CommandResult> Post(ParsedCommand c, CancellationToken ct)
    {
        var m = await Find(c, ct);
        if (!m.Found) return m.NotFound;
        var id = m.Id!;
        if (!m.InPopulation) return CommandResult.Error($"{id} is not part of the population (target {m.Target}); `sim scale {m.Index}` first");
        var reply = await (await ctx.Actor<FakeUser>(ct)).Ask<string>(new PostNow(id), InspectionContext.AskTimeout, ct);
        return reply == "ok" ? CommandResult.Success($"{id} is writing a post now") : CommandResult.Error(reply);
    }

    private async Task<CommandResult> Pause(bool paused, CancellationToken ct)
    {
        var s = await (await ctx.Actor<SimulationManager>(ct)).Ask<SimulationStatus>(new SetPaused(paused), TimeSpan.FromSeconds(15), ct);
        return CommandResult.Success(paused ? $"paused: {s.Target} users stopped their timers" : $"resumed: {s.Target} users restarted their timers");
    }
}
