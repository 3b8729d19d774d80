// Round trips of every export format against the database, value by value: over 300 lines because there are six tables and four formats.
using System.Text;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;
using Parquet;
using Parquet.Schema;
using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>Export round trips: write tables, export CSV, Parquet, MIND and Open Bandit, read them back and compare every value.</summary>
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
        // each user is shown one slate of up to 3 of the next user's posts: the first opened and liked, the last hidden
        for (var u = 1; u <= users; u++)
        {
            var author = $"user-{u % users + 1}";
            var k = Math.Min(3, postsPerUser);
            var items = Enumerable.Range(1, k).Select(pos => new Impression(PostIds.For(author, pos), author, pos, 1.0 / pos, pos == 1 ? 0.9 + 0.1 / 40 : 0.1 / 40,
                0.5 + 0.125 * pos, true, pos == 1, pos == 1 ? 9000 : 500, pos == 1, false, pos == k && k > 1,
                new Dictionary<string, double> { ["random"] = 1.0 / 40 },
                // half the slates log their cascade (the others stand for events written before it was logged)
                u % 2 == 0 ? 0.9 / pos : null)).ToArray();
            list.Add(new JournalEvent(++ordering, new SlateShown($"user-{u}/session-1/slate-1", $"user-{u}/session-1", 1, $"user-{u}", u % 5 == 0 ? "random" : "interest", 40,
                u % 5 == 0, T0.AddHours(2).AddSeconds(u), items)));
        }
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
        Assert.Equal([30L, 1200L, 3600L, 30L, 90L, 90L], csv.Select(r => r.Rows));
        Assert.Equal([30L, 1200L, 3600L, 30L, 90L, 90L], parquet.Select(r => r.Rows));
        var slates = events.Select(e => e.Event).OfType<SlateShown>().ToList();
        var shown = slates.SelectMany(sl => sl.Items.Select(i => (Slate: sl, Item: i))).ToDictionary(x => Impression.IdFor(x.Slate.SlateId, x.Item.Position));

        // impressions, CSV: flags 0/1, every value as written
        var csvImpressions = ReadCsv(Path.Combine(dir.Path, "csv", "impressions.csv"));
        Assert.Equal(EventRows.Impressions.Columns.Select(c => c.Name), csvImpressions[0]);
        Assert.Equal(90, csvImpressions.Count - 1);
        foreach (var row in csvImpressions.Skip(1))
        {
            var (sl, i) = shown[row[0]];
            string B(bool b) => b ? "1" : "0";
            string D(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal([row[0], sl.SlateId, sl.SessionId, sl.UserId, i.PostId, i.Position.ToString(), sl.Policy, D(i.Score), D(i.Propensity), sl.Candidates.ToString(),
                B(sl.IsRandom), sl.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), B(i.Examined), B(i.Viewed), i.DwellMs.ToString(), B(i.Liked), B(i.Commented), B(i.Hid),
                D(i.MatchScore), sl.Page.ToString(), i.CascadePropensity is { } c ? D(c) : ""], row);
        }
        // impressions, Parquet: typed (text, long, double, bool, time), every column of every row as written
        await using (var reader = await ParquetReader.CreateAsync(Path.Combine(dir.Path, "pq", "impressions.parquet")))
        {
            var f = reader.Schema.DataFields.ToDictionary(x => x.Name);
            Assert.Equal(EventRows.Impressions.Columns.Select(c => c.Name), reader.Schema.DataFields.Select(x => x.Name));
            var rows = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rg = reader.OpenRowGroupReader(g);
                var n = (int)rg.RowCount;
                async Task<string?[]> Texts(string name)
                {
                    var values = new string?[n];
                    await rg.ReadAsync(f[name], values.AsMemory());
                    return values;
                }
                async Task<T[]> Values<T>(string name) where T : struct
                {
                    var values = new T[n];
                    await rg.ReadAsync(f[name], values.AsMemory());
                    return values;
                }
                async Task<double?[]> Numbers(string name)
                {
                    var values = new double?[n];
                    await rg.ReadAsync(f[name], values.AsMemory());
                    return values;
                }
                var ids = await Texts("id");
                var texts = new[] { await Texts("slate_id"), await Texts("session_id"), await Texts("user_id"), await Texts("post_id"), await Texts("policy") };
                var longs = new[] { await Values<long>("position"), await Values<long>("candidates"), await Values<long>("dwell_ms") };
                var doubles = new[] { await Numbers("score"), await Numbers("propensity"), await Numbers("match_score") };
                var cascades = await Numbers("cascade_propensity");
                var flags = new[] { await Values<bool>("is_random"), await Values<bool>("examined"), await Values<bool>("viewed"), await Values<bool>("liked"), await Values<bool>("commented"), await Values<bool>("hid") };
                var shownAt = await Values<DateTime>("shown_at");
                for (var k = 0; k < n; k++)
                {
                    var (sl, i) = shown[ids[k]!];
                    Assert.Equal([sl.SlateId, sl.SessionId, sl.UserId, i.PostId, sl.Policy], texts.Select(c => c[k]));
                    Assert.Equal([i.Position, sl.Candidates, i.DwellMs], longs.Select(c => c[k]));
                    Assert.Equal([i.Score, i.Propensity, i.MatchScore], doubles.Select(c => c[k]!.Value));
                    Assert.Equal(i.CascadePropensity, cascades[k]);
                    Assert.Equal([sl.IsRandom, i.Examined, i.Viewed, i.Liked, i.Commented, i.Hid], flags.Select(c => c[k]));
                    Assert.Equal(sl.CreatedAt, shownAt[k]);
                }
                rows += n;
            }
            Assert.Equal(90, rows);
        }

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

    [Fact]
    public async Task Mind_and_open_bandit_exports_load_with_a_plain_reader_into_exactly_the_documented_columns()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        var events = Events(users: 12, postsPerUser: 5);
        await FillAsync(store, events);
        var slates = events.Select(e => e.Event).OfType<SlateShown>().OrderBy(s => s.CreatedAt).ThenBy(s => s.SlateId, StringComparer.Ordinal).ToList();
        var posts = events.Select(e => e.Event).OfType<PostPublished>().ToDictionary(p => p.PostId);

        var mind = await Exporter.ExportAsync(store, ExportFormat.Mind, dir.File("mind"), new StringWriter());
        Assert.Equal([("news", 60L), ("behaviors", 12L)], mind.Select(r => (r.Table, r.Rows)));
        // behaviors.tsv: 5 tab-separated columns, one row per slate in time order, slate as postid-label in position order
        var behaviors = File.ReadAllLines(Path.Combine(dir.File("mind"), "behaviors.tsv")).Select(l => l.Split('\t')).ToList();
        Assert.Equal(12, behaviors.Count);
        var history = new Dictionary<string, List<string>>();
        for (var k = 0; k < behaviors.Count; k++)
        {
            var row = behaviors[k];
            var slate = slates[k];
            Assert.Equal(5, row.Length);
            Assert.Equal((k + 1).ToString(), row[0]);
            Assert.Equal(slate.UserId, RecsysExport.FromMindId(row[1]));
            Assert.Equal(slate.CreatedAt, DateTime.ParseExact(row[2], "M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture));
            var mine = history.GetValueOrDefault(slate.UserId) ?? [];
            Assert.Equal(string.Join(' ', mine), string.Join(' ', row[3].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(RecsysExport.FromMindId)));
            var items = row[4].Split(' ').Select(x => x.Split('-')).ToList(); // the naive split MIND loaders use
            Assert.All(items, x => Assert.Equal(2, x.Length));
            Assert.Equal(slate.Items.Select(i => i.PostId), items.Select(x => RecsysExport.FromMindId(x[0])));
            Assert.Equal(slate.Items.Select(i => i.Viewed ? "1" : "0"), items.Select(x => x[1]));
            history[slate.UserId] = [.. mine, .. slate.Items.Where(i => i.Viewed).Select(i => i.PostId)];
        }
        // news.tsv: 8 columns, id first, the text whole
        var news = File.ReadAllLines(Path.Combine(dir.File("mind"), "news.tsv")).Select(l => l.Split('\t')).ToList();
        Assert.Equal(60, news.Count);
        foreach (var n in news)
        {
            Assert.Equal(8, n.Length);
            var p = posts[RecsysExport.FromMindId(n[0])];
            Assert.Equal((p.Interest, p.Subtopic, p.Content.Replace('\n', ' '), "", "[]", "[]"), (n[1], n[2], n[4], n[5], n[6], n[7]));
            Assert.StartsWith(n[3].TrimEnd('.'), n[4]);
        }

        var obd = await Exporter.ExportAsync(store, ExportFormat.Obd, dir.File("obd"), new StringWriter());
        Assert.Equal(36, Assert.Single(obd).Rows);
        var csv = ReadCsv(Path.Combine(dir.File("obd"), "obd.csv"));
        Assert.Equal(["timestamp", "item_id", "position", "click", "propensity_score", "slate_id", "policy", "is_random", "candidates", "user_id", "page",
            "liked", "item_interest", .. InterestCatalog.Names.Select(i => "user_feature_" + i)], csv[0]);
        var users = events.Select(e => e.Event).OfType<UserCreated>().ToDictionary(u => u.UserId, u => u.Profile.InterestNames.ToHashSet());
        var expected = slates.SelectMany(s => s.Items.Select(i => (s, i))).ToList();
        Assert.Equal(expected.Count, csv.Count - 1);
        for (var k = 0; k < expected.Count; k++)
        {
            var (s, i) = expected[k];
            var row = csv[k + 1];
            Assert.Equal(csv[0].Length, row.Length);
            Assert.Equal(s.CreatedAt, DateTime.Parse(row[0], null, System.Globalization.DateTimeStyles.AdjustToUniversal));
            Assert.Equal((i.PostId, i.Position.ToString(), i.Viewed ? "1" : "0", i.Propensity, s.SlateId, s.Policy, s.IsRandom ? "1" : "0", s.Candidates.ToString(), s.UserId),
                (row[1], row[2], row[3], double.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture), row[5], row[6], row[7], row[8], row[9]));
            Assert.Equal(s.Page.ToString(), row[10]);
            Assert.Equal((i.Liked ? "1" : "0", posts[i.PostId].Interest), (row[11], row[12]));
            Assert.Equal(InterestCatalog.Names.Select(n => users[s.UserId].Contains(n) ? "1" : "0"), row[13..]);
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
    public async Task Export_cli_writes_the_six_tables_as_parquet_files_with_every_row()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        await store.EnsureSchemaAsync();
        await store.WriteAsync(ExportTests.Events(3, 2));
        var stdout = new StringWriter();
        var code = await AkkaFakeUsers.Host.AfuApp.RunAsync(["export", "--format", "parquet", "--out", dir.File("out"), "--data-dir", dir.Path],
            stdout, stdout, CancellationToken.None, new Dictionary<string, string>());
        Assert.Equal(0, code);
        Assert.Contains("42 rows in 6 files", stdout.ToString());
        var counts = await store.CountsAsync();
        var expected = new Dictionary<string, long>
        {
            ["users"] = counts.Users, ["posts"] = counts.Posts, ["user_interactions"] = counts.Views + counts.Likes + counts.Comments, ["follows"] = counts.Follows,
        };
        expected["impressions"] = 6;
        expected["impression_propensities"] = 6;
        Assert.Equal(42, expected.Values.Sum());
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
