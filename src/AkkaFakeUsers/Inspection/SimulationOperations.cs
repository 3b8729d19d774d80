using System.Data.Common;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Inspection;

/// <summary>What <c>sim status</c> and the dashboard show: the manager's population, this node's counters, the projection.</summary>
/// <param name="UsersInCluster">Users running on every node (the sharding regions' entity counts); null when they did not all answer.</param>
public sealed record SimStatusView(
    int Target, bool Paused, long UsersRunning, long? UsersInCluster, long UsersCreated,
    long Posts, long Slates, long Impressions, long Views, long Likes, long Comments, long Hides, long Follows,
    long Events, long PersistFailures, long ProjectionOffset, long ProjectionLag, string? ProjectionError,
    TimeSpan Uptime, long Seed, ClockStatus? Clock);

public sealed record UserRow(string Id, string Username, string Interests, long Posts, long Likes);

public sealed record CommentView(string Id, string UserId, string Username, string Content, DateTime CreatedAt, int Depth, string? ParentId);

public sealed record PostView(string Id, string AuthorId, string Author, string Content, string Interest, string Subtopic, DateTime CreatedAt,
    string GeneratedBy, IReadOnlyList<CommentView> Comments);

public sealed record ReactionView(string Type, string PostId, DateTime CreatedAt, double Score, string? Content);

/// <summary>A user as <c>sim user</c> and the dashboard's user page show it: the live actor's state, and its posts and reactions from the tables.</summary>
public sealed record UserView(string Id, bool InPopulation, int Target, UserStateReply? State, IReadOnlyList<PostView> Posts, IReadOnlyList<ReactionView> Reactions);

/// <summary>The outcome of a trigger (scale, post now, pause, resume): ok or not, and what happened in words.</summary>
public sealed record OperationResult(bool Ok, string Message);

/// <summary>
/// Reading and steering the simulation: the one place the inspection port's <c>sim</c> palette and the web dashboard
/// both go through (the same actors, the same tables), so the two never disagree.
/// </summary>
public sealed class SimulationOperations(InspectionContext ctx)
{
    public const int MaxPopulation = 10_000_000;

    public async Task<SimulationStatus> ManagerStatusAsync(CancellationToken ct) =>
        await (await ctx.Actor<SimulationManagerActor>(ct)).Ask<SimulationStatus>(GetSimulationStatus.Instance, InspectionContext.AskTimeout, ct);

    public async Task<SimStatusView> StatusAsync(CancellationToken ct)
    {
        var sim = ManagerStatusAsync(ct);
        var proj = (await ctx.Actor<ProjectionActor>(ct)).Ask<ProjectionStatus>(GetProjectionStatus.Instance, InspectionContext.AskTimeout, ct);
        var cluster = UsersInClusterAsync(ct);
        var clock = ClockAsync(ct);
        var (s, p, m) = (await sim, await proj, ctx.Metrics);
        return new SimStatusView(s.Target, s.Paused, m.UsersActive, await cluster, m.UsersCreated, m.Posts, m.Slates, m.Impressions, m.Views, m.Likes, m.Comments,
            m.Hides, m.Follows, m.Events, m.PersistFailures, p.Offset, p.Lag, p.LastError, DateTime.UtcNow - ctx.StartedAt, ctx.Settings.Seed, await clock);
    }

    /// <summary>This node's clock: configured and effective time-scale, what holds it back, simulated time covered (null if it did not answer).</summary>
    public async Task<ClockStatus?> ClockAsync(CancellationToken ct)
    {
        try
        {
            return await (await ctx.Actor<ClockDriverActor>(ct)).Ask<ClockStatus>(GetClockStatus.Instance, InspectionContext.AskTimeout, ct);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Users running on every node of the cluster, from the user regions' shard statistics; null if a region did not answer.</summary>
    public async Task<long?> UsersInClusterAsync(CancellationToken ct)
    {
        try
        {
            var stats = await (await ctx.Actor<FakeUserActor>(ct)).Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), InspectionContext.AskTimeout, ct);
            var members = Akka.Cluster.Cluster.Get(ctx.System).State.Members.Count(mb => mb.Status == Akka.Cluster.MemberStatus.Up);
            return stats.Regions.Count >= members ? stats.Regions.Values.Sum(r => r.Stats.Values.Sum()) : null;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Users by number of posts (from the tables), optionally only those with an interest.</summary>
    public async Task<IReadOnlyList<UserRow>> UsersAsync(string? interest, int top, CancellationToken ct)
    {
        await using var conn = await ctx.Store.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        var where = interest is null ? "" : "WHERE (',' || u.interests || ',') LIKE @pattern";
        cmd.CommandText = $"""
            SELECT u.id, u.username, u.interests,
                   (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id) AS posts,
                   (SELECT COUNT(*) FROM user_interactions i WHERE i.user_id = u.id AND i.type = 'like') AS likes
            FROM users u {where}
            ORDER BY posts DESC, u.username
            LIMIT {Math.Clamp(top, 1, 1000)}
            """;
        if (interest is not null) StoreConnection.AddParam(cmd, "@pattern", $"%,{interest.ToLowerInvariant()},%");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<UserRow>();
        while (await r.ReadAsync(ct))
            rows.Add(new UserRow(r.GetString(0), r.GetString(1), r.GetString(2), Long(r, 3), Long(r, 4)));
        return rows;
    }

    /// <summary>One reference, swapped whole: pages and scrapes read it from many threads.</summary>
    private sealed record InterestGroups(DateTime At, IReadOnlyList<(string[] Interests, long Users)> Groups);

    private volatile InterestGroups? _groups;

    /// <summary>
    /// Users in the tables grouped by their interest list (most weighted first): one grouping over the users table,
    /// run at most every 10 s however many pages and scrapes ask; the interest balance and the metric fold it.
    /// </summary>
    private async Task<IReadOnlyList<(string[] Interests, long Users)>> InterestGroupsAsync(CancellationToken ct)
    {
        if (_groups is { } cached && DateTime.UtcNow - cached.At < TimeSpan.FromSeconds(10)) return cached.Groups;
        var groups = new List<(string[], long)>();
        await using var conn = await ctx.Store.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT interests, COUNT(*) FROM users GROUP BY interests";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            groups.Add((r.GetString(0).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Long(r, 1)));
        _groups = new InterestGroups(DateTime.UtcNow, groups);
        return groups;
    }

    /// <summary>Users in the tables per interest they list (a user with two interests counts for both).</summary>
    public async Task<IReadOnlyDictionary<string, long>> InterestBalanceAsync(CancellationToken ct) =>
        Count((await InterestGroupsAsync(ct)).SelectMany(g => g.Interests.Select(i => (i, g.Users))));

    /// <summary>Users in the tables per main (first-listed) interest: each user counts once.</summary>
    public async Task<IReadOnlyDictionary<string, long>> UsersByMainInterestAsync(CancellationToken ct) =>
        Count((await InterestGroupsAsync(ct)).Where(g => g.Interests.Length > 0).Select(g => (g.Interests[0], g.Users)));

    /// <summary>Every interest of the catalog (0 when nobody has it) and any other that occurs, with its users.</summary>
    private static Dictionary<string, long> Count(IEnumerable<(string Interest, long Users)> pairs)
    {
        var counts = InterestCatalog.Names.ToDictionary(n => n, _ => 0L);
        foreach (var (interest, users) in pairs) counts[interest] = counts.GetValueOrDefault(interest) + users;
        return counts;
    }

    /// <summary>A username or id → the user id (from the users table, or the id itself), its index and whether it is in the population now.</summary>
    public async Task<(string? Id, int Index, int Target)> FindAsync(string name, CancellationToken ct)
    {
        string? id = name;
        if (!ProfileRules.TryParseIndex(name, out _))
        {
            await using var conn = await ctx.Store.OpenAsync(ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT id FROM users WHERE username = @name";
            StoreConnection.AddParam(cmd, "@name", name);
            id = await cmd.ExecuteScalarAsync(ct) as string;
        }
        var index = id is not null && ProfileRules.TryParseIndex(id, out var i) ? i : 0;
        return (id, index, (await ManagerStatusAsync(ct)).Target);
    }

    /// <returns>null when no user has that name or id.</returns>
    public async Task<UserView?> UserAsync(string name, int posts, int reactions, CancellationToken ct)
    {
        var (id, index, target) = await FindAsync(name, ct);
        if (id is null) return null;
        var inPopulation = index <= target;
        UserStateReply? state = null;
        if (inPopulation)
            state = await (await ctx.Actor<FakeUserActor>(ct)).Ask<UserStateReply>(new GetUserState(id), InspectionContext.AskTimeout, ct);
        await using var conn = await ctx.Store.OpenAsync(ct);
        var postViews = await PostsAsync(conn, "WHERE p.author_id = @author", posts, 5, ct, ("@author", id));
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"""
            SELECT type, post_id, created_at, {Text(conn, "metadata")}, content FROM user_interactions
            WHERE user_id = @user ORDER BY created_at DESC, id LIMIT {Math.Clamp(reactions, 1, 500)}
            """;
        StoreConnection.AddParam(cmd, "@user", id);
        var list = new List<ReactionView>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                list.Add(new ReactionView(r.GetString(0), r.GetString(1), StoreConnection.ReadTime(r, 2), Score(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4)));
        return new UserView(id, inPopulation, target, state, postViews, list);
    }

    /// <summary>The newest posts with their comment threads (from the tables).</summary>
    public async Task<IReadOnlyList<PostView>> NewestPostsAsync(int limit, int commentsPerPost, CancellationToken ct)
    {
        await using var conn = await ctx.Store.OpenAsync(ct);
        return await PostsAsync(conn, "", limit, commentsPerPost, ct);
    }

    private static async Task<IReadOnlyList<PostView>> PostsAsync(DbConnection conn, string where, int limit, int commentsPerPost, CancellationToken ct,
        params (string Name, object Value)[] args)
    {
        var posts = new List<PostView>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"""
                SELECT p.id, p.author_id, COALESCE(u.username, p.author_id), p.content, p.interest, p.subtopic, p.created_at, {Text(conn, "p.metadata")}
                FROM posts p LEFT JOIN users u ON u.id = p.author_id {where}
                ORDER BY p.created_at DESC, p.id LIMIT {Math.Clamp(limit, 1, 200)}
                """;
            foreach (var (n, v) in args) StoreConnection.AddParam(cmd, n, v);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                posts.Add(new PostView(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), StoreConnection.ReadTime(r, 6),
                    Json(r.GetString(7), "generated_by") ?? "?", []));
        }
        if (posts.Count == 0 || commentsPerPost <= 0) return posts;
        var byPost = new Dictionary<string, List<CommentView>>();
        await using (var cmd = conn.CreateCommand())
        {
            var ids = posts.Select((p, i) => $"@p{i}").ToList();
            cmd.CommandText = $"""
                SELECT i.id, i.user_id, COALESCE(u.username, i.user_id), i.content, i.created_at, i.post_id, {Text(conn, "i.metadata")}
                FROM user_interactions i LEFT JOIN users u ON u.id = i.user_id
                WHERE i.type = 'comment' AND i.post_id IN ({string.Join(", ", ids)})
                ORDER BY i.created_at, i.id
                """;
            for (var i = 0; i < posts.Count; i++) StoreConnection.AddParam(cmd, ids[i], posts[i].Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var list = byPost.TryGetValue(r.GetString(5), out var l) ? l : byPost[r.GetString(5)] = [];
                if (list.Count >= commentsPerPost) continue;
                var meta = r.GetString(6);
                list.Add(new CommentView(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? "" : r.GetString(3), StoreConnection.ReadTime(r, 4),
                    int.TryParse(Json(meta, "thread_depth"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? Math.Max(1, d) : 1, Json(meta, "parent_id")));
            }
        }
        return posts.Select(p => p with { Comments = byPost.GetValueOrDefault(p.Id) ?? [] }).ToList();
    }

    public async Task<OperationResult> ScaleAsync(int n, CancellationToken ct)
    {
        if (n is < 0 or > MaxPopulation) return new OperationResult(false, $"the population must be a whole number from 0 to {MaxPopulation}, got {n}");
        var manager = await ctx.Actor<SimulationManagerActor>(ct);
        var before = await ManagerStatusAsync(ct);
        var after = await manager.Ask<SimulationStatus>(new ScalePopulation(n), InspectionContext.AskTimeout, ct);
        var what = n > before.Target ? $"creating or waking user-{before.Target + 1}..user-{n}"
            : n < before.Target ? $"retiring user-{n + 1}..user-{before.Target} (they stop and passivate; their data stays)"
            : "unchanged";
        return new OperationResult(true, $"population {before.Target} -> {after.Target}: {what}");
    }

    /// <summary>Makes a user post now (works while paused).</summary>
    public async Task<OperationResult> PostNowAsync(string name, CancellationToken ct)
    {
        var (id, index, target) = await FindAsync(name, ct);
        if (id is null) return new OperationResult(false, $"no user named '{name}' (try `sim users`)");
        if (index > target) return new OperationResult(false, $"{id} is not part of the population (target {target}); `sim scale {index}` first");
        var reply = await (await ctx.Actor<FakeUserActor>(ct)).Ask<string>(new PostNow(id), InspectionContext.AskTimeout, ct);
        return reply == "ok" ? new OperationResult(true, $"{id} is writing a post now") : new OperationResult(false, reply);
    }

    public async Task<OperationResult> PauseAsync(bool paused, CancellationToken ct)
    {
        var s = await (await ctx.Actor<SimulationManagerActor>(ct)).Ask<SimulationStatus>(new SetPaused(paused), TimeSpan.FromSeconds(15), ct);
        return new OperationResult(true, paused ? $"paused: {s.Target} users stopped their timers" : $"resumed: {s.Target} users restarted their timers");
    }

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static string Text(DbConnection conn, string column) => conn is Npgsql.NpgsqlConnection ? $"{column}::text" : column;

    private static string? Json(string json, string property)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty(property, out var v) ? v.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => v.GetString(),
                System.Text.Json.JsonValueKind.Number => v.GetRawText(),
                _ => null,
            } : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static double Score(string json) =>
        double.TryParse(Json(json, "interest_match_score"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0;
}
