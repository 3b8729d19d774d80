using System.Globalization;
using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>RecBole's atomic files read back as RecBole's loader reads them (a <c>name:type</c> header, tab-separated) and compared with the tables.</summary>
public class RecBoleExportTests
{
    private static readonly string[] RecBoleTypes = ["token", "token_seq", "float", "float_seq"];

    /// <summary>An atomic file: its header's (name, type) pairs and its rows, read the way RecBole's <c>Dataset._load_feat</c> reads one.</summary>
    public sealed record Atomic((string Name, string Type)[] Fields, List<string[]> Rows)
    {
        public int Col(string name) => Array.FindIndex(Fields, f => f.Name == name) is var i and >= 0 ? i : throw new KeyNotFoundException(name);
    }

    public static Atomic ReadAtomic(string path)
    {
        var text = File.ReadAllText(path);
        Assert.DoesNotContain('\r', text); // RecBole cuts the header's last character off as the newline
        var lines = text.Split('\n');
        Assert.Equal("", lines[^1]); // every line ends with a newline
        var fields = lines[0].Split('\t').Select(h =>
        {
            var parts = h.Split(':'); // field, ftype = field_type.split(":")
            Assert.Equal(2, parts.Length);
            Assert.Contains(parts[1], RecBoleTypes);
            return (parts[0], parts[1]);
        }).ToArray();
        Assert.Equal(fields.Length, fields.Select(f => f.Item1).Distinct().Count());
        var rows = lines[1..^1].Select(l => l.Split('\t')).ToList();
        foreach (var row in rows)
        {
            Assert.Equal(fields.Length, row.Length);
            for (var i = 0; i < row.Length; i++)
            {
                Assert.False(row[i].StartsWith('"'), $"{path}: a field starting with a quote is read by pandas as a quoted field: {row[i]}");
                if (fields[i].Item2 == "float") Assert.True(double.TryParse(row[i], NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"{fields[i]}: '{row[i]}'");
            }
        }
        return new Atomic(fields, rows);
    }

    private static DateTime FromUnix(string s) => DateTime.UnixEpoch.AddMilliseconds(Math.Round(double.Parse(s, CultureInfo.InvariantCulture) * 1000));

    /// <summary>ExportTests' events (every post viewed, liked and commented on by the next user) with a view-only pair and a hide-only pair per post.</summary>
    private static List<JournalEvent> Events()
    {
        var events = ExportTests.Events(users: 8, postsPerUser: 4);
        long ordering = events.Max(e => e.Ordering);
        foreach (var post in events.Select(e => e.Event).OfType<PostPublished>().ToList())
        {
            var u = int.Parse(post.UserId["user-".Length..]);
            var viewer = $"user-{(u + 1) % 8 + 1}";
            var hider = $"user-{(u + 2) % 8 + 1}";
            events.Add(new JournalEvent(++ordering, new InteractionRecorded(InteractionRecorded.IdFor(viewer, post.PostId, InteractionType.View), viewer, post.PostId, post.UserId,
                InteractionType.View, null, 0.5, false, post.CreatedAt, post.CreatedAt.AddMinutes(30).AddMilliseconds(post.Seq * 7), null, null)));
            events.Add(new JournalEvent(++ordering, new InteractionRecorded(InteractionRecorded.IdFor(hider, post.PostId, InteractionType.Hide), hider, post.PostId, post.UserId,
                InteractionType.Hide, null, 0.1, false, post.CreatedAt, post.CreatedAt.AddMinutes(40), null, null)));
        }
        return events;
    }

    private static async Task<(List<JournalEvent> Events, string Dir, IReadOnlyList<ExportResult> Results)> ExportAsync(TrainingStore store, TempDir dir)
    {
        var events = Events();
        await store.EnsureSchemaAsync();
        foreach (var chunk in events.Chunk(500)) await store.WriteAsync(chunk);
        var outDir = Path.Combine(dir.Path, "recbole", "afu");
        var results = await Exporter.ExportAsync(store, ExportFormat.RecBole, outDir, new StringWriter());
        return (events, outDir, results);
    }

    [Fact]
    public async Task Sqlite_tables_round_trip_through_recbole_atomic_files_named_after_the_directory()
    {
        using var dir = new TempDir();
        await RoundTrip(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db"))), dir);
    }

    [PostgresFact]
    public async Task Postgres_tables_round_trip_through_recbole_atomic_files()
    {
        using var dir = new TempDir();
        await using var db = await Postgres.CreateDatabaseAsync();
        await RoundTrip(new TrainingStore(SqlDialect.Postgres, db.ConnectionString), dir);
    }

    private static async Task RoundTrip(TrainingStore store, TempDir dir)
    {
        var (events, outDir, results) = await ExportAsync(store, dir);
        var posts = events.Select(e => e.Event).OfType<PostPublished>().ToList();
        // 32 posts: each viewed, liked and commented by one user, viewed only by another, hidden by a third (left out)
        Assert.Equal([("afu.inter", 64L), ("afu.user", 8L), ("afu.item", 32L), ("afu.net", 8L)], results.Select(r => (r.Table, r.Rows)));
        Assert.Equal(["afu.inter", "afu.item", "afu.net", "afu.user", "afu.yaml"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // .inter: one row per (user, post) with a view, like or comment; the first one's time; the flags and their sum
        var inter = ReadAtomic(Path.Combine(outDir, "afu.inter"));
        Assert.Equal([("user_id", "token"), ("item_id", "token"), ("rating", "float"), ("timestamp", "float"), ("viewed", "float"), ("liked", "float"), ("commented", "float")],
            inter.Fields);
        var expected = events.Select(e => e.Event).OfType<InteractionRecorded>().Where(i => i.Type != InteractionType.Hide)
            .GroupBy(i => (i.UserId, i.PostId))
            .ToDictionary(g => g.Key, g => (First: g.Min(i => i.CreatedAt), Viewed: g.Any(i => i.Type == InteractionType.View),
                Liked: g.Any(i => i.Type == InteractionType.Like), Commented: g.Any(i => i.Type == InteractionType.Comment)));
        Assert.Equal(expected.Count, inter.Rows.Count);
        var hidden = events.Select(e => e.Event).OfType<InteractionRecorded>().Where(i => i.Type == InteractionType.Hide).Select(i => (i.UserId, i.PostId)).ToHashSet();
        var previous = DateTime.MinValue;
        foreach (var row in inter.Rows)
        {
            var e = expected[(row[0], row[1])];
            Assert.DoesNotContain((row[0], row[1]), hidden);
            string F(bool b) => b ? "1" : "0";
            Assert.Equal((F(e.Viewed), F(e.Liked), F(e.Commented)), (row[4], row[5], row[6]));
            Assert.Equal(((e.Viewed ? 1 : 0) + (e.Liked ? 1 : 0) + (e.Commented ? 1 : 0)).ToString(), row[2]);
            var t = FromUnix(row[3]);
            Assert.Equal(e.First, t);
            Assert.True(t >= previous, "oldest first");
            previous = t;
        }
        Assert.Contains(inter.Rows, r => r[2] == "1");
        Assert.Contains(inter.Rows, r => r[2] == "3");

        // .user: interests as a token_seq in the table's order (by weight)
        var user = ReadAtomic(Path.Combine(outDir, "afu.user"));
        Assert.Equal([("user_id", "token"), ("username", "token"), ("interests", "token_seq"), ("created_at", "float")], user.Fields);
        var created = events.Select(e => e.Event).OfType<UserCreated>().ToDictionary(u => u.Profile.UserId);
        Assert.Equal(created.Keys.Order(), user.Rows.Select(r => r[0]).Order());
        foreach (var row in user.Rows)
        {
            var u = created[row[0]];
            Assert.Equal(u.Profile.Username, row[1]);
            Assert.Equal(u.Profile.InterestNames, row[2].Split(' '));
            Assert.Equal(u.CreatedAt, FromUnix(row[3]));
        }

        // .item: the post's interest, subtopic, author, time and text length (the text itself, with its newlines and quotes, is not written)
        var item = ReadAtomic(Path.Combine(outDir, "afu.item"));
        Assert.Equal([("item_id", "token"), ("author_id", "token"), ("interest", "token"), ("subtopic", "token"), ("created_at", "float"), ("length", "float")], item.Fields);
        var byId = posts.ToDictionary(p => p.PostId);
        Assert.Equal(byId.Keys.Order(), item.Rows.Select(r => r[0]).Order());
        foreach (var row in item.Rows)
        {
            var p = byId[row[0]];
            Assert.Equal((p.UserId, p.Interest, p.Subtopic, p.Content.Length.ToString()), (row[1], row[2], row[3], row[5]));
            Assert.Equal(p.CreatedAt, FromUnix(row[4]));
        }

        // .net: source follows target
        var net = ReadAtomic(Path.Combine(outDir, "afu.net"));
        Assert.Equal([("source_id", "token"), ("target_id", "token"), ("created_at", "float")], net.Fields);
        Assert.Equal(events.Select(e => e.Event).OfType<UserFollowed>().Select(f => (f.FollowerId, f.FolloweeId, f.CreatedAt)).Order(),
            net.Rows.Select(r => (r[0], r[1], FromUnix(r[2]))).Order());

        // the settings load columns that exist, from the files they name
        var yaml = File.ReadAllLines(Path.Combine(outDir, "afu.yaml"));
        Assert.Contains("undirected_net: False", yaml);
        var files = new Dictionary<string, Atomic> { ["inter"] = inter, ["user"] = user, ["item"] = item, ["net"] = net };
        var loaded = yaml.SkipWhile(l => l != "load_col:").Skip(1).TakeWhile(l => l.StartsWith("  ")).ToList();
        Assert.Equal(4, loaded.Count);
        foreach (var line in loaded)
        {
            var (suffix, cols) = (line.Split(':')[0].Trim(), line.Split(':')[1].Trim().Trim('[', ']').Split(',', StringSplitOptions.TrimEntries));
            Assert.All(cols, c => Assert.Contains(c, files[suffix].Fields.Select(f => f.Name)));
        }
    }

    [Theory]
    [InlineData("a\tb", "a b")]
    [InlineData("line\r\nbreak", "line  break")]
    [InlineData("\"quoted\" text", "'quoted' text")]
    public void Fields_lose_the_characters_that_would_split_or_quote_them(string text, string written) => Assert.Equal(written, RecBoleExport.Field(text));

    [Fact]
    public void A_token_of_a_token_seq_has_no_space()
    {
        Assert.Equal("street_food", RecBoleExport.Token("street food"));
        Assert.Equal("a_b_c", RecBoleExport.Token("a\tb\nc"));
    }

    [Fact]
    public void Timestamps_are_unix_seconds_to_the_millisecond_without_an_exponent()
    {
        Assert.Equal("0", RecBoleExport.UnixSeconds(DateTime.UnixEpoch));
        Assert.Equal("1772366400.125", RecBoleExport.UnixSeconds(new DateTime(2026, 3, 1, 12, 0, 0, 125, DateTimeKind.Utc)));
    }

    [Fact]
    public async Task Export_cli_writes_recbole_files_named_after_the_out_directory()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        await store.EnsureSchemaAsync();
        await store.WriteAsync(ExportTests.Events(3, 2));
        var stdout = new StringWriter();
        var outDir = Path.Combine(dir.Path, "datasets", "week1");
        var code = await AkkaFakeUsers.Host.AfuApp.RunAsync(["export", "--format", "recbole", "--out", outDir, "--data-dir", dir.Path],
            stdout, stdout, CancellationToken.None, new Dictionary<string, string>());
        Assert.Equal(0, code);
        Assert.Contains($"RecBole dataset 'week1' (data_path {Path.Combine(dir.Path, "datasets")})", stdout.ToString());
        foreach (var suffix in new[] { "inter", "user", "item", "net", "yaml" }) Assert.True(File.Exists(Path.Combine(outDir, "week1." + suffix)), suffix);
        Assert.Equal(3, ReadAtomic(Path.Combine(outDir, "week1.user")).Rows.Count);
    }

    [Fact]
    public async Task Export_cli_refuses_a_recbole_directory_without_a_name()
    {
        var stderr = new StringWriter();
        var code = await AkkaFakeUsers.Host.AfuApp.RunAsync(["export", "--format", "recbole", "--out", "/"], new StringWriter(), stderr, CancellationToken.None,
            new Dictionary<string, string>());
        Assert.NotEqual(0, code);
        Assert.Contains("RecBole names a dataset after its directory", stderr.ToString());
    }
}
