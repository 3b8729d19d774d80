using System.Data.Common;
using System.Text.Json;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Dataset;

public sealed record DsUser(string Id, IReadOnlyList<string> Interests, DateTime CreatedAt);

/// <summary>A post; <see cref="Appeal"/>: the ground truth of afu.behaviour.creators (null when it was off).</summary>
public sealed record DsPost(string Id, string AuthorId, string Interest, string Subtopic, DateTime CreatedAt, string Content, string GeneratedBy, bool Trending)
{
    public double? Appeal { get; init; }
}

/// <param name="ParentId">For a reply: the comment it answers.</param>
/// <param name="ThreadDepth">Comments: 1 on a post, 2 for a reply, …; 0 for views and likes.</param>
/// <param name="Content">Comments: the text; null for the other types.</param>
public sealed record DsInteraction(string UserId, string PostId, string Type, DateTime CreatedAt, double Score, string? ParentId, string FeedSource, int ThreadDepth,
    string? Content = null);

public sealed record DsFollow(string FollowerId, string FolloweeId, DateTime CreatedAt);

/// <summary>One row of the impression log; <see cref="Page"/>: the page of a scrolling session (position counts within it).</summary>
public sealed record DsImpression(string Id, string SlateId, string UserId, string PostId, int Position, string Policy, double Score, double Propensity,
    int Candidates, bool IsRandom, DateTime ShownAt, bool Examined, bool Viewed, int DwellMs, bool Liked, bool Commented, bool Hid, double MatchScore)
{
    public int Page { get; init; } = 1;

    /// <summary>The session the slate was shown in (a scrolling session shows a slate per page).</summary>
    public string SessionId { get; init; } = "";

    /// <summary>P(the serving policy shows the slate's posts 1..<see cref="Position"/> as shown); at the slate's last position the whole slate's probability. Null in logs written before it was logged.</summary>
    public double? CascadePropensity { get; init; }
}

/// <summary>The training tables of one store, in memory (read once, by report and evaluate).</summary>
public sealed record DatasetTables(IReadOnlyList<DsUser> Users, IReadOnlyList<DsPost> Posts, IReadOnlyList<DsInteraction> Interactions, IReadOnlyList<DsFollow> Follows,
    IReadOnlyList<DsImpression> Impressions)
{
    /// <summary>Shadow propensities (impression id → policy → probability), for off-policy evaluation.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>> Shadow { get; init; } = new Dictionary<string, Dictionary<string, double>>();

    /// <summary>Shadow cascade propensities (impression id → policy → P(the policy shows the slate's posts 1..position as shown)); absent where not logged.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>> ShadowCascade { get; init; } = new Dictionary<string, Dictionary<string, double>>();

    /// <summary>Reads users, posts, user_interactions, follows and the impression log from SQLite or PostgreSQL.</summary>
    public static async Task<DatasetTables> ReadAsync(TrainingStore store, CancellationToken ct = default)
    {
        await using var c = await store.OpenAsync(ct);
        var pg = store.Dialect == SqlDialect.Postgres;
        string Txt(string col) => pg ? $"{col}::text" : col;

        var users = await ReadAsync(c, "SELECT id, interests, created_at FROM users", r =>
            new DsUser(r.GetString(0), r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StoreConnection.ReadTime(r, 2)), ct);
        var posts = await ReadAsync(c, $"SELECT id, author_id, interest, subtopic, created_at, content, {Txt("metadata")} FROM posts", r =>
        {
            var m = Json(r.GetString(6));
            return new DsPost(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), StoreConnection.ReadTime(r, 4), r.GetString(5),
                m.TryGetProperty("generated_by", out var g) ? g.GetString() ?? "" : "",
                m.TryGetProperty("trending", out var tr) && tr.ValueKind == JsonValueKind.True)
            {
                Appeal = m.TryGetProperty("appeal", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null,
            };
        }, ct);
        var interactions = await ReadAsync(c, $"SELECT user_id, post_id, type, created_at, {Txt("metadata")}, content FROM user_interactions", r =>
        {
            var m = Json(r.GetString(4));
            var score = m.TryGetProperty("interest_match_score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 0;
            var parent = m.TryGetProperty("parent_id", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var source = m.TryGetProperty("feed_source", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "interest";
            var depth = m.TryGetProperty("thread_depth", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : 0;
            return new DsInteraction(r.GetString(0), r.GetString(1), r.GetString(2), StoreConnection.ReadTime(r, 3), score, parent, source, depth,
                r.IsDBNull(5) ? null : r.GetString(5));
        }, ct);
        var follows = await ReadAsync(c, "SELECT follower_id, followee_id, created_at FROM follows", r => new DsFollow(r.GetString(0), r.GetString(1), StoreConnection.ReadTime(r, 2)), ct);
        var impressions = new List<DsImpression>();
        await foreach (var i in StreamAsync(c, await TrainingSchema.ReadableAsync(store.Db, c, ImpressionsSql, ct), Impression, ct)) impressions.Add(i);
        var shadow = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var shadowCascade = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (id, policy, p, cascade) in await ReadAsync(c,
                     await TrainingSchema.ReadableAsync(store.Db, c, "SELECT impression_id, policy, propensity, cascade_propensity FROM impression_propensities", ct),
                     r => (r.GetString(0), r.GetString(1), r.GetDouble(2), Exporter.ReadNumber(r, 3)), ct))
        {
            if (!shadow.TryGetValue(id, out var d)) shadow[id] = d = new Dictionary<string, double>(StringComparer.Ordinal);
            d[policy] = p;
            if (cascade is not { } q) continue;
            if (!shadowCascade.TryGetValue(id, out var dc)) shadowCascade[id] = dc = new Dictionary<string, double>(StringComparer.Ordinal);
            dc[policy] = q;
        }
        return new DatasetTables(users, posts, interactions, follows, impressions) { Shadow = shadow, ShadowCascade = shadowCascade };
    }

    private const string ImpressionsSql =
        "SELECT id, slate_id, user_id, post_id, position, policy, score, propensity, candidates, is_random, shown_at, examined, viewed, dwell_ms, liked, commented, hid, match_score, page, session_id, cascade_propensity " +
        "FROM impressions ORDER BY shown_at, slate_id, position";

    private static DsImpression Impression(DbDataReader r)
    {
        static bool B(DbDataReader r, int i) => Exporter.ReadLong(r, i) != 0;
        static int I(DbDataReader r, int i) => checked((int)Exporter.ReadLong(r, i));
        return new DsImpression(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), I(r, 4), r.GetString(5), r.GetDouble(6), r.GetDouble(7), I(r, 8),
            B(r, 9), StoreConnection.ReadTime(r, 10), B(r, 11), B(r, 12), I(r, 13), B(r, 14), B(r, 15), B(r, 16), r.GetDouble(17)) { Page = I(r, 18), SessionId = r.GetString(19), CascadePropensity = Exporter.ReadNumber(r, 20) };
    }

    /// <summary>The impression log in time order, streamed (the exports read it this way; <see cref="ReadAsync(TrainingStore, CancellationToken)"/> keeps it all).</summary>
    public static async IAsyncEnumerable<DsImpression> ImpressionsAsync(TrainingStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var c = await store.OpenAsync(ct);
        await foreach (var i in StreamAsync(c, await TrainingSchema.ReadableAsync(store.Db, c, ImpressionsSql, ct), Impression, ct)) yield return i;
    }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }


    private static async Task<List<T>> ReadAsync<T>(DbConnection c, string sql, Func<DbDataReader, T> map, CancellationToken ct)
    {
        var list = new List<T>();
        await foreach (var row in StreamAsync(c, sql, map, ct)) list.Add(row);
        return list;
    }

    private static async IAsyncEnumerable<T> StreamAsync<T>(DbConnection c, string sql, Func<DbDataReader, T> map,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            T row;
            try
            {
                row = map(r);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidCastException or InvalidDataException)
            {
                // Bad database state: name the table and the row instead of a stack trace.
                var table = sql.Split(" FROM ")[1].Split(' ')[0];
                throw new InvalidDataException($"table {table}, row {r.GetValue(0)}: {ex.Message}", ex);
            }
            yield return row;
        }
    }
}
