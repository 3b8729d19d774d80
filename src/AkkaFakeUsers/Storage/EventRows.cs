using System.Globalization;
using System.Text.Json;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Storage;

public enum ColumnKind { Text, Time, Json }

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
            $"INSERT INTO {name} ({list}) SELECT {string.Join(", ", columns.Select(c => c.Kind == ColumnKind.Json ? $"CAST({c.Name} AS jsonb)" : c.Name))} " +
            $"FROM unnest({string.Join(", ", columns.Select(c => $"@{c.Name}::{(c.Kind == ColumnKind.Time ? "timestamptz" : "text")}[]"))}) AS u({list}) ON CONFLICT DO NOTHING";
    }

    public string Name { get; }

    public (string Name, ColumnKind Kind)[] Columns { get; }

    /// <summary>SQLite: one row per run of a prepared statement.</summary>
    public string InsertOneSql { get; }

    /// <summary>PostgreSQL: every row of the batch in one statement, one array parameter per column.</summary>
    public string InsertArraysSql { get; }
}

/// <summary>One row: the table and its column values (strings, UTC times, null) in the table's column order.</summary>
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

    /// <summary>The row that projects one event; null for events that make no row.</summary>
    public static EventRow? For(IUserEvent e) => e switch
    {
        UserCreated u => new(Users, [u.Profile.UserId, u.Profile.Username, u.Bio, string.Join(",", u.Profile.InterestNames), u.CreatedAt]),
        PostPublished p => new(Posts, [p.PostId, p.UserId, p.Content, p.Interest, p.Subtopic, p.CreatedAt, PostMetadata(p)]),
        InteractionRecorded i => new(Interactions, [i.InteractionId, i.UserId, i.PostId, i.Type.Name(), i.Content, i.CreatedAt, InteractionMetadata(i)]),
        UserFollowed f => new(Follows, [f.FollowerId, f.FolloweeId, f.CreatedAt, FollowMetadata(f)]),
        _ => null,
    };

    public static string PostMetadata(PostPublished p) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["source"] = "fake_user",
        ["generated_by"] = p.GeneratedBy,
        ["model_version"] = p.ModelVersion,
        ["trending"] = p.Trending,
    });

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
    });

    public static string FollowMetadata(UserFollowed f) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["source"] = "fake_user",
        ["interest_match_score"] = f.MatchScore,
        ["via_post_id"] = f.ViaPostId,
    });
}
