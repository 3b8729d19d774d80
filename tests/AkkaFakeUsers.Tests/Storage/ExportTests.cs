using System.Text;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;
using Parquet;
using Parquet.Schema;
using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>Export round trips: write tables, export CSV and Parquet, read both back and compare every value.</summary>
public class ExportTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Events with awkward text: commas, quotes, newlines, emoji.</summary>
    public static List<JournalEvent> Events(int users, int postsPerUser)
    {
        var list = new List<JournalEvent>();
        long ordering = 0;
        for (var u = 1; u <= users; u++)
        {
            var p = ProfileRules.Create(3, u, InterestMix.Default);
            list.Add(new JournalEvent(++ordering, new UserCreated(p, p.Bio, T0.AddSeconds(u))));
        }
        for (var u = 1; u <= users; u++)
        {
            for (var n = 1; n <= postsPerUser; n++)
            {
                var post = new PostPublished(PostIds.For($"user-{u}", n), $"user-{u}", n,
                    $"Post {n} by {u}, with \"quotes\", commas,\nnew lines and emoji 🍜 — long enough to count as a post.", "food", "ramen",
                    T0.AddMinutes(u + n), "builtin", "builtin-v1");
                list.Add(new JournalEvent(++ordering, post));
                var reader = $"user-{u % users + 1}";
                foreach (var type in new[] { InteractionType.View, InteractionType.Like, InteractionType.Comment })
                {
                    list.Add(new JournalEvent(++ordering, new InteractionRecorded(InteractionRecorded.IdFor(reader, post.PostId, type), reader, post.PostId, post.UserId, type,
                        type == InteractionType.Comment ? "Nice, \"really\"" : null, 0.125 * (n % 8), false, post.CreatedAt, post.CreatedAt.AddSeconds(5 + (int)type), null, null)));
                }
            }
        }
        // each user follows the next one
        for (var u = 1; u <= users; u++)
            list.Add(new JournalEvent(++ordering, new UserFollowed($"user-{u}", $"user-{u % users + 1}", 0.75, PostIds.For($"user-{u % users + 1}", 1), T0.AddHours(1).AddSeconds(u))));
        return list;
    }

    private static async Task FillAsync(TrainingStore store, List<JournalEvent> events)
    {
        await store.EnsureSchemaAsync();
        foreach (var chunk in events.Chunk(500)) await store.WriteAsync(chunk);
    }

    [Fact]
    public async Task Sqlite_tables_round_trip_through_csv_and_parquet()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        await RoundTrip(store, dir);
    }

    [PostgresFact]
    public async Task Postgres_tables_round_trip_through_csv_and_parquet()
    {
        using var dir = new TempDir();
        await using var db = await Postgres.CreateDatabaseAsync();
        await RoundTrip(new TrainingStore(SqlDialect.Postgres, db.ConnectionString), dir);
    }

    private static async Task RoundTrip(TrainingStore store, TempDir dir)
    {
        var events = Events(users: 30, postsPerUser: 40); // 30 users, 1200 posts, 3600 interactions
        await FillAsync(store, events);
        var log = new StringWriter();

        var csv = await Exporter.ExportAsync(store, ExportFormat.Csv, Path.Combine(dir.Path, "csv"), log);
        var parquet = await Exporter.ExportAsync(store, ExportFormat.Parquet, Path.Combine(dir.Path, "pq"), log, rowGroupSize: 500);
        Assert.Equal([30L, 1200L, 3600L, 30L], csv.Select(r => r.Rows));
        Assert.Equal([30L, 1200L, 3600L, 30L], parquet.Select(r => r.Rows));

        var posts = events.Select(e => e.Event).OfType<PostPublished>().ToDictionary(p => p.PostId);
        var interactions = events.Select(e => e.Event).OfType<InteractionRecorded>().ToDictionary(i => i.InteractionId);

        // CSV
        var csvPosts = ReadCsv(Path.Combine(dir.Path, "csv", "posts.csv"));
        Assert.Equal(["id", "author_id", "content", "interest", "subtopic", "created_at", "metadata"], csvPosts[0]);
        Assert.Equal(1200, csvPosts.Count - 1);
        foreach (var row in csvPosts.Skip(1))
        {
            var p = posts[row[0]];
            Assert.Equal(p.Content, row[2]);
            Assert.Equal(p.CreatedAt, DateTime.Parse(row[5], null, System.Globalization.DateTimeStyles.AdjustToUniversal));
            Assert.Contains("\"generated_by\"", row[6]);
        }
        var csvInteractions = ReadCsv(Path.Combine(dir.Path, "csv", "user_interactions.csv"));
        Assert.Equal("interest_match_score", csvInteractions[0][^1]);
        foreach (var row in csvInteractions.Skip(1).Take(300))
        {
            var i = interactions[row[0]];
            Assert.Equal(i.Type.Name(), row[3]);
            Assert.Equal(i.Content ?? "", row[4]);
            Assert.Equal(i.MatchScore, double.Parse(row[7], System.Globalization.CultureInfo.InvariantCulture));
        }

        // Parquet: several row groups, typed columns
        await using (var reader = await ParquetReader.CreateAsync(Path.Combine(dir.Path, "pq", "user_interactions.parquet")))
        {
            Assert.True(reader.RowGroupCount >= 7);
            var fields = reader.Schema.DataFields.ToDictionary(f => f.Name);
            long total = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rg = reader.OpenRowGroupReader(g);
                var n = (int)rg.RowCount;
                var ids = new string?[n];
                var contents = new string?[n];
                var created = new DateTime[n];
                var scores = new double?[n];
                await rg.ReadAsync(fields["id"], ids.AsMemory());
                await rg.ReadAsync(fields["content"], contents.AsMemory());
                await rg.ReadAsync(fields["created_at"], created.AsMemory());
                await rg.ReadAsync(fields["interest_match_score"], scores.AsMemory());
                for (var k = 0; k < n; k++)
                {
                    var i = interactions[ids[k]!];
                    Assert.Equal(i.Content, contents[k]);
                    Assert.Equal(i.CreatedAt, created[k]);
                    Assert.Equal(i.MatchScore, scores[k]);
                }
                total += n;
            }
            Assert.Equal(3600, total);
        }
        await using (var reader = await ParquetReader.CreateAsync(Path.Combine(dir.Path, "pq", "users.parquet")))
        {
            using var rg = reader.OpenRowGroupReader(0);
            var bios = new string?[rg.RowCount];
            await rg.ReadAsync(reader.Schema.DataFields.First(f => f.Name == "bio"), bios.AsMemory());
            Assert.All(bios, b => Assert.StartsWith("FAKE_USER|interests:", b));
        }
    }

    /// <summary>RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes).</summary>
    public static List<string[]> ReadCsv(string path)
    {
        var text = File.ReadAllText(path);
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row.ToArray());
                row.Clear();
            }
            else if (c != '\r') field.Append(c);
        }
        return rows;
    }
}

public class ExportCommandTests
{
    [Fact]
    public async Task Export_of_a_missing_database_exits_1_saying_where_it_looked()
    {
        using var dir = new TempDir();
        var stderr = new StringWriter();
        var code = await AkkaFakeUsers.Host.AfuApp.RunAsync(["export", "--format", "csv", "--out", dir.File("out"), "--data-dir", dir.File("none")],
            new StringWriter(), stderr, CancellationToken.None, new Dictionary<string, string>());
        Assert.Equal(1, code);
        Assert.Contains("no SQLite database " + Path.Combine(dir.File("none"), "afu.db"), stderr.ToString());
        Assert.False(File.Exists(Path.Combine(dir.File("none"), "afu.db")));
    }

    [Fact]
    public async Task Export_cli_writes_the_four_tables_as_parquet_files_with_every_row()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        await store.EnsureSchemaAsync();
        await store.WriteAsync(ExportTests.Events(3, 2));
        var stdout = new StringWriter();
        var code = await AkkaFakeUsers.Host.AfuApp.RunAsync(["export", "--format", "parquet", "--out", dir.File("out"), "--data-dir", dir.Path],
            stdout, stdout, CancellationToken.None, new Dictionary<string, string>());
        Assert.Equal(0, code);
        Assert.Contains("30 rows in 4 files", stdout.ToString());
        var counts = await store.CountsAsync();
        var expected = new Dictionary<string, long>
        {
            ["users"] = counts.Users, ["posts"] = counts.Posts, ["user_interactions"] = counts.Views + counts.Likes + counts.Comments, ["follows"] = counts.Follows,
        };
        Assert.Equal(30, expected.Values.Sum());
        foreach (var (table, rows) in expected)
        {
            var path = Path.Combine(dir.File("out"), table + ".parquet");
            Assert.True(File.Exists(path), $"{table}.parquet missing");
            await using var reader = await ParquetReader.CreateAsync(path);
            long read = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rg = reader.OpenRowGroupReader(g);
                read += rg.RowCount;
            }
            Assert.Equal(rows, read);
        }
    }
}
