using System.Text.Json;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Design;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>The pure mapping from events to training-table rows, and the schema shipped as SQL: no database needed.</summary>
public class EventRowsTests
{
    private static readonly DateTime T0 = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static Dictionary<string, object?> Row(EventRow row) =>
        row.Table.Columns.Select((c, i) => (c.Name, Value: row.Values[i])).ToDictionary(x => x.Name, x => x.Value);

    [Fact]
    public void Each_event_maps_to_one_row_of_its_table_with_every_column_in_order()
    {
        var p = ProfileRules.Create(3, 4, InterestMix.Default);
        var user = Row(EventRows.For(new UserCreated(p, p.Bio, T0))!);
        Assert.Equal(["id", "username", "bio", "interests", "created_at"], user.Keys);
        Assert.Equal((object?[])["user-4", p.Username, p.Bio, string.Join(",", p.InterestNames), T0], user.Values.ToArray());
        Assert.StartsWith("FAKE_USER|interests:", (string)user["bio"]!);

        var post = new PostPublished("user-4/post-2", "user-4", 2, "A post long enough to be a post, about ramen.", "food", "ramen", T0, "ollama", "gemma3:270m", true);
        var postRow = EventRows.For(post)!;
        Assert.Same(EventRows.Posts, postRow.Table);
        var meta = JsonDocument.Parse((string)Row(postRow)["metadata"]!).RootElement;
        Assert.Equal(("fake_user", "ollama", "gemma3:270m", true),
            (meta.GetProperty("source").GetString(), meta.GetProperty("generated_by").GetString(), meta.GetProperty("model_version").GetString(), meta.GetProperty("trending").GetBoolean()));

        var reply = new InteractionRecorded("user-5/reply/c1", "user-5", post.PostId, "user-4", InteractionType.Comment, "Agreed!", 0.75, false, T0, T0.AddMinutes(2),
            "builtin", "builtin-v2", "food", "c1", 2, ViaFollow: true);
        var r = Row(EventRows.For(reply)!);
        Assert.Equal(("user-5/reply/c1", "user-5", post.PostId, "comment", "Agreed!", T0.AddMinutes(2)),
            ((string)r["id"]!, (string)r["user_id"]!, (string)r["post_id"]!, (string)r["type"]!, (string?)r["content"], (DateTime)r["created_at"]!));
        var im = JsonDocument.Parse((string)r["metadata"]!).RootElement;
        Assert.Equal(0.75, im.GetProperty("interest_match_score").GetDouble());
        Assert.Equal("follow", im.GetProperty("feed_source").GetString());
        Assert.Equal("c1", im.GetProperty("parent_id").GetString());
        Assert.Equal(2, im.GetProperty("thread_depth").GetInt32());
        Assert.Equal("user-4", im.GetProperty("post_author_id").GetString());

        var view = Row(EventRows.For(reply with { Type = InteractionType.View, Content = null, ParentId = null, Depth = 0, ViaFollow = false, Exploration = true })!);
        Assert.Null(view["content"]);
        Assert.Equal("explore", JsonDocument.Parse((string)view["metadata"]!).RootElement.GetProperty("feed_source").GetString());

        var follow = Row(EventRows.For(new UserFollowed("user-5", "user-4", 0.6, post.PostId, T0))!);
        Assert.Equal((object?[])["user-5", "user-4", T0], follow.Values.Take(3).ToArray());
        Assert.Equal(post.PostId, JsonDocument.Parse((string)follow["metadata"]!).RootElement.GetProperty("via_post_id").GetString());
    }

    [Fact]
    public void Every_training_table_insert_names_the_columns_the_schema_creates()
    {
        var ddl = string.Join("\n", TrainingSchema.Statements(SqlDialect.Sqlite));
        foreach (var table in new[] { EventRows.Users, EventRows.Posts, EventRows.Interactions, EventRows.Follows })
        {
            var create = ddl[ddl.IndexOf($"CREATE TABLE IF NOT EXISTS {table.Name} (", StringComparison.Ordinal)..];
            create = create[..(create.IndexOf(')', create.IndexOf("created_at", StringComparison.Ordinal)) + 1)];
            foreach (var (col, _) in table.Columns) Assert.Contains($"  {col} ", create);
            Assert.Contains(table.Name, TrainingSchema.Tables);
        }
    }

    [Fact]
    public void The_shipped_postgres_schema_is_the_one_the_code_creates()
    {
        var path = Path.Combine(NamespaceDependencyTests.RepoRoot(), "deploy", "sql", "training-tables.postgres.sql");
        var expected = TrainingSchema.Script(SqlDialect.Postgres);
        if (Environment.GetEnvironmentVariable("AFU_WRITE_SQL") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"{path} is missing (AFU_WRITE_SQL=1 writes it)");
        Assert.Equal(expected, File.ReadAllText(path));
    }
}
