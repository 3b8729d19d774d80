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

    private static Dictionary<string, object?> Row(IEnumerable<EventRow> rows) => Row(Assert.Single(rows));

    private static Dictionary<string, object?> Row(EventRow row) =>
        row.Table.Columns.Select((c, i) => (c.Name, Value: row.Values[i])).ToDictionary(x => x.Name, x => x.Value);

    [Fact]
    public void Each_event_maps_to_one_row_of_its_table_with_every_column_in_order()
    {
        var p = ProfileRules.Create(3, 4, InterestMix.Default);
        var user = Row(EventRows.For(new UserCreated(p, p.Bio, T0)));
        Assert.Equal(["id", "username", "bio", "interests", "created_at"], user.Keys);
        Assert.Equal((object?[])["user-4", p.Username, p.Bio, string.Join(",", p.InterestNames), T0], user.Values.ToArray());
        Assert.StartsWith("FAKE_USER|interests:", (string)user["bio"]!);

        var post = new PostPublished("user-4/post-2", "user-4", 2, "A post long enough to be a post, about ramen.", "food", "ramen", T0, "ollama", "gemma3:270m", true);
        var postRow = Assert.Single(EventRows.For(post));
        Assert.Same(EventRows.Posts, postRow.Table);
        var meta = JsonDocument.Parse((string)Row(postRow)["metadata"]!).RootElement;
        Assert.Equal(("fake_user", "ollama", "gemma3:270m", true),
            (meta.GetProperty("source").GetString(), meta.GetProperty("generated_by").GetString(), meta.GetProperty("model_version").GetString(), meta.GetProperty("trending").GetBoolean()));

        var reply = new InteractionRecorded("user-5/reply/c1", "user-5", post.PostId, "user-4", InteractionType.Comment, "Agreed!", 0.75, false, T0, T0.AddMinutes(2),
            "builtin", "builtin-v2", "food", "c1", 2, ViaFollow: true);
        var r = Row(EventRows.For(reply));
        Assert.Equal(("user-5/reply/c1", "user-5", post.PostId, "comment", "Agreed!", T0.AddMinutes(2)),
            ((string)r["id"]!, (string)r["user_id"]!, (string)r["post_id"]!, (string)r["type"]!, (string?)r["content"], (DateTime)r["created_at"]!));
        var im = JsonDocument.Parse((string)r["metadata"]!).RootElement;
        Assert.Equal(0.75, im.GetProperty("interest_match_score").GetDouble());
        Assert.Equal("follow", im.GetProperty("feed_source").GetString());
        Assert.Equal("c1", im.GetProperty("parent_id").GetString());
        Assert.Equal(2, im.GetProperty("thread_depth").GetInt32());
        Assert.Equal("user-4", im.GetProperty("post_author_id").GetString());

        var view = Row(EventRows.For(reply with { Type = InteractionType.View, Content = null, ParentId = null, Depth = 0, ViaFollow = false, Exploration = true }));
        Assert.Null(view["content"]);
        Assert.Equal("explore", JsonDocument.Parse((string)view["metadata"]!).RootElement.GetProperty("feed_source").GetString());

        var follow = Row(EventRows.For(new UserFollowed("user-5", "user-4", 0.6, post.PostId, T0)));
        Assert.Equal((object?[])["user-5", "user-4", T0], follow.Values.Take(3).ToArray());
        Assert.Equal(post.PostId, JsonDocument.Parse((string)follow["metadata"]!).RootElement.GetProperty("via_post_id").GetString());
    }

    [Fact]
    public void A_slate_maps_to_one_impression_row_per_shown_post_and_one_row_per_shadow_propensity()
    {
        var slate = new SlateShown("user-5/session-3/slate-1", "user-5/session-3", 3, "user-5", "interest", 120, false, T0,
        [
            new Impression("user-4/post-2", "user-4", 1, 0.91, 0.9525, 0.91, true, true, 8000, true, false, false, new Dictionary<string, double> { ["random"] = 1 / 120.0, ["popular"] = 0.05 / 120 },
                0.9525, new Dictionary<string, double> { ["popular"] = 0.05 / 120 }),
            new Impression("user-6/post-1", "user-6", 2, 0.4, 0.05 / 120, 0.4, true, false, 700, false, false, true),
        ]);
        var rows = EventRows.For(slate).ToList();
        var impressions = rows.Where(r => r.Table == EventRows.Impressions).Select(Row).ToList();
        Assert.Equal(2, impressions.Count);
        Assert.Equal(["id", "slate_id", "session_id", "user_id", "post_id", "position", "policy", "score", "propensity", "candidates", "is_random", "shown_at",
            "examined", "viewed", "dwell_ms", "liked", "commented", "hid", "match_score", "page", "cascade_propensity"], impressions[0].Keys);
        Assert.Equal((object?[])["user-5/session-3/slate-1#1", slate.SlateId, slate.SessionId, "user-5", "user-4/post-2", 1, "interest", 0.91, 0.9525, 120, false, T0,
            true, true, 8000, true, false, false, 0.91, 1, 0.9525], impressions[0].Values.ToArray());
        // an impression logged without a cascade propensity (events written before it) leaves the column null
        Assert.Null(impressions[1]["cascade_propensity"]);
        Assert.Equal((2, true, false), ((int)impressions[1]["position"]!, (bool)impressions[1]["hid"]!, (bool)impressions[1]["viewed"]!));
        var shadows = rows.Where(r => r.Table == EventRows.ImpressionPropensities).Select(r => r.Values).ToList();
        // a shadow's cascade where it was logged, null where it was not
        Assert.Equal([["user-5/session-3/slate-1#1", "popular", 0.05 / 120, 0.05 / 120], ["user-5/session-3/slate-1#1", "random", 1 / 120.0, null]], shadows);

        var view = new InteractionRecorded("user-5/view/user-4/post-2", "user-5", "user-4/post-2", "user-4", InteractionType.View, null, 0.91, false, T0, T0,
            null, null, "food", ImpressionId: "user-5/session-3/slate-1#1", Source: "interest");
        var meta = JsonDocument.Parse((string)Row(EventRows.For(view))["metadata"]!).RootElement;
        Assert.Equal(("user-5/session-3/slate-1#1", "interest"), (meta.GetProperty("impression_id").GetString(), meta.GetProperty("feed_source").GetString()));
    }

    [Fact]
    public void Every_training_table_insert_names_the_columns_the_schema_creates()
    {
        foreach (var table in new[] { EventRows.Users, EventRows.Posts, EventRows.Interactions, EventRows.Follows, EventRows.Impressions, EventRows.ImpressionPropensities })
        {
            var create = TrainingSchema.Statements(SqlDialect.Sqlite).Single(st => st.StartsWith($"CREATE TABLE IF NOT EXISTS {table.Name} (", StringComparison.Ordinal));
            foreach (var (col, _) in table.Columns) Assert.Contains($"  {col} ", create);
            Assert.Contains(table.Name, TrainingSchema.Tables);
        }
    }

    [Fact]
    public void The_shipped_postgres_schema_is_the_one_the_code_creates()
    {
        var path = Path.Combine(NamespaceDependencyTests.RepoRoot(), "deploy", "sql", "schema.postgres.sql");
        var expected = JournalSchema.PostgresScript();
        if (Environment.GetEnvironmentVariable("AFU_WRITE_SQL") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"{path} is missing (AFU_WRITE_SQL=1 writes it)");
        Assert.Equal(expected, File.ReadAllText(path));
    }
}
