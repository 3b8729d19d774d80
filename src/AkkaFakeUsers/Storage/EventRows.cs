using System.Globalization;
using System.Text.Json;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Storage;

/// <summary>Column kinds: Int, Real and Bool are INTEGER/REAL/INTEGER 0-1 on SQLite, integer/double precision/boolean on PostgreSQL.</summary>
public enum ColumnKind { Text, Time, Json, Int, Real, Bool }

/// <summary>A training table the projection inserts into: its columns in the order <see cref="EventRows.For"/> gives values.</summary>
public sealed class TableShape
{
    public TableShape(string name, params (string Name, ColumnKind Kind)[] columns)
    {
        Name = name;
        Columns = columns;
        var list = string.Join(", ", columns.Select(c => c.Name));
        InsertOneSql = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))}) ON CONFLICT DO NOTHING";
        InsertArraysSql =
            $"INSERT INTO {name} ({list}) SELECT {string.Join(", ", columns.Select(c => PgCast(c.Name, c.Kind)))} " +
            $"FROM unnest({string.Join(", ", columns.Select(c => $"@{c.Name}::{(c.Kind == ColumnKind.Time ? "timestamptz" : "text")}[]"))}) AS u({list}) ON CONFLICT DO NOTHING";
    }

    private static string PgCast(string name, ColumnKind kind) => kind switch
    {
        ColumnKind.Json => $"CAST({name} AS jsonb)",
        ColumnKind.Int => $"CAST({name} AS integer)",
        ColumnKind.Real => $"CAST({name} AS double precision)",
        ColumnKind.Bool => $"CAST({name} AS boolean)",
        _ => name,
    };

    public string Name { get; }

    public (string Name, ColumnKind Kind)[] Columns { get; }

    /// <summary>SQLite: one row per run of a prepared statement.</summary>
    public string InsertOneSql { get; }

    /// <summary>PostgreSQL: every row of the batch in one statement, one array parameter per column.</summary>
    public string InsertArraysSql { get; }
}

/// <summary>One row: the table and its column values (strings, UTC times, ints, doubles, bools, null) in the table's column order.</summary>
public sealed record EventRow(TableShape Table, object?[] Values);

/// <summary>
/// How each user event becomes a row of a training table: a pure mapping, the same for every dialect (the writers only
/// turn the values into their dialect's parameters).
/// </summary>
public static class EventRows
{
    public static readonly TableShape Users = new("users",
        ("id", ColumnKind.Text), ("username", ColumnKind.Text), ("bio", ColumnKind.Text), ("interests", ColumnKind.Text), ("created_at", ColumnKind.Time));
    public static readonly TableShape Posts = new("posts",
        ("id", ColumnKind.Text), ("author_id", ColumnKind.Text), ("content", ColumnKind.Text), ("interest", ColumnKind.Text), ("subtopic", ColumnKind.Text),
        ("created_at", ColumnKind.Time), ("metadata", ColumnKind.Json));
    public static readonly TableShape Interactions = new("user_interactions",
        ("id", ColumnKind.Text), ("user_id", ColumnKind.Text), ("post_id", ColumnKind.Text), ("type", ColumnKind.Text), ("content", ColumnKind.Text),
        ("created_at", ColumnKind.Time), ("metadata", ColumnKind.Json));
    public static readonly TableShape Follows = new("follows",
        ("follower_id", ColumnKind.Text), ("followee_id", ColumnKind.Text), ("created_at", ColumnKind.Time), ("metadata", ColumnKind.Json));

    /// <summary>The impression log: one row per shown post of a slate (contract in docs/training-tables.md), plus the true interest match of the post for the user (match_score).</summary>
    public static readonly TableShape Impressions = new("impressions",
        ("id", ColumnKind.Text), ("slate_id", ColumnKind.Text), ("session_id", ColumnKind.Text), ("user_id", ColumnKind.Text), ("post_id", ColumnKind.Text),
        ("position", ColumnKind.Int), ("policy", ColumnKind.Text), ("score", ColumnKind.Real), ("propensity", ColumnKind.Real), ("candidates", ColumnKind.Int),
        ("is_random", ColumnKind.Bool), ("shown_at", ColumnKind.Time), ("examined", ColumnKind.Bool), ("viewed", ColumnKind.Bool), ("dwell_ms", ColumnKind.Int),
        ("liked", ColumnKind.Bool), ("commented", ColumnKind.Bool), ("hid", ColumnKind.Bool), ("match_score", ColumnKind.Real), ("page", ColumnKind.Int),
        ("cascade_propensity", ColumnKind.Real));

    /// <summary>The propensity of each shown slot under each shadow policy (afu.feed.shadow-policies), for off-policy evaluation, and its cascade's.</summary>
    public static readonly TableShape ImpressionPropensities = new("impression_propensities",
        ("impression_id", ColumnKind.Text), ("policy", ColumnKind.Text), ("propensity", ColumnKind.Real), ("cascade_propensity", ColumnKind.Real));

    /// <summary>The rows that project one event (none for events that make no row; a slate makes one per shown post).</summary>
    public static IEnumerable<EventRow> For(IUserEvent e)
    {
        switch (e)
        {
            case UserCreated u:
                yield return new(Users, [u.Profile.UserId, u.Profile.Username, u.Bio, string.Join(",", u.Profile.InterestNames), u.CreatedAt]);
                break;
            case PostPublished p:
                yield return new(Posts, [p.PostId, p.UserId, p.Content, p.Interest, p.Subtopic, p.CreatedAt, PostMetadata(p)]);
                break;
            case InteractionRecorded i:
                yield return new(Interactions, [i.InteractionId, i.UserId, i.PostId, i.Type.Name(), i.Content, i.CreatedAt, InteractionMetadata(i)]);
                break;
            case UserFollowed f:
                yield return new(Follows, [f.FollowerId, f.FolloweeId, f.CreatedAt, FollowMetadata(f)]);
                break;
            case SlateShown s:
                foreach (var i in s.Items)
                {
                    var id = Impression.IdFor(s.SlateId, i.Position);
                    yield return new(Impressions, [id, s.SlateId, s.SessionId, s.UserId, i.PostId, i.Position, s.Policy, i.Score, i.Propensity, s.Candidates,
                        s.IsRandom, s.CreatedAt, i.Examined, i.Viewed, i.DwellMs, i.Liked, i.Commented, i.Hid, i.MatchScore, s.Page, i.CascadePropensity]);
                    if (i.Shadow is null) continue;
                    foreach (var (policy, p) in i.Shadow.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                        yield return new(ImpressionPropensities, [id, policy, p, i.ShadowCascade is { } sc && sc.TryGetValue(policy, out var cascade) ? cascade : null]);
                }
                break;
        }
    }

    /// <summary>The post's metadata; with afu.behaviour.creators on, the ground truth of its appeal and its author's quality too.</summary>
    public static string PostMetadata(PostPublished p)
    {
        var m = new Dictionary<string, object?>
        {
            ["source"] = "fake_user",
            ["generated_by"] = p.GeneratedBy,
            ["model_version"] = p.ModelVersion,
            ["trending"] = p.Trending,
        };
        if (p.Appeal is { } appeal) m["appeal"] = appeal;
        if (p.AuthorQuality is { } quality) m["author_quality"] = quality;
        return JsonSerializer.Serialize(m);
    }

    public static string InteractionMetadata(InteractionRecorded i) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["source"] = "fake_user",
        ["interest_match_score"] = i.MatchScore,
        ["generated_by"] = i.GeneratedBy,
        ["model_version"] = i.ModelVersion,
        ["post_author_id"] = i.PostAuthorId,
        ["exploration"] = i.Exploration,
        ["post_created_at"] = i.PostCreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["feed_source"] = i.FeedSource,
        ["parent_id"] = i.ParentId,
        ["thread_depth"] = i.Depth,
        ["impression_id"] = i.ImpressionId,
    });

    public static string FollowMetadata(UserFollowed f) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["source"] = "fake_user",
        ["interest_match_score"] = f.MatchScore,
        ["via_post_id"] = f.ViaPostId,
    });
}
