using System.Globalization;
using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>obd_slate.csv read back and held against the impression log and against what OBP's slate estimators check of their inputs.</summary>
public class ObdSlateExportTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 14, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// ExportTests' users and posts (6 a user) with slates of their own: each user sees two pages of 3 of the next user's posts.
    /// The serving policy's cascade is the running product of a per-position conditional; the shadow policy "popular" is logged on
    /// every slot, "external:ranker" only on the slates of users not divisible by 3; user 7's slates have no cascade (as if written
    /// before it was logged), and user 5's "popular" cascade is missing at its last position.
    /// </summary>
    public static List<JournalEvent> Events()
    {
        var events = ExportTests.Events(users: 10, postsPerUser: 6).Where(e => e.Event is not SlateShown).ToList();
        var ordering = events.Max(e => e.Ordering);
        for (var u = 1; u <= 10; u++)
        {
            var author = $"user-{u % 10 + 1}";
            for (var page = 1; page <= 2; page++)
            {
                double cascade = 1, popularCascade = 1, externalCascade = 1;
                var items = new List<Impression>();
                for (var pos = 1; pos <= 3; pos++)
                {
                    var p = 0.9 / (pos + u % 3);
                    cascade *= p;
                    popularCascade *= 0.5 / pos;
                    externalCascade *= u % 2 == 0 ? 0 : 0.25;
                    var shadow = new Dictionary<string, double> { ["popular"] = 0.3 * pos / 2 };
                    var shadowCascade = new Dictionary<string, double>();
                    if (!(u == 5 && pos == 3)) shadowCascade["popular"] = popularCascade;
                    if (u % 3 != 0)
                    {
                        shadow["external:ranker"] = u % 2 == 0 ? 0 : 0.125 * pos; // a shadow policy may never show the post: 0
                        shadowCascade["external:ranker"] = externalCascade;
                    }
                    items.Add(new Impression(PostIds.For(author, (page - 1) * 3 + pos), author, pos, 1.0 / pos, p, 0.5, true, pos == 1, pos == 1 ? 9000 : 0,
                        Liked: (u + pos + page) % 3 == 0, Commented: pos == 2, Hid: pos == 3 && u % 4 == 0, shadow, u == 7 ? null : cascade, shadowCascade));
                }
                events.Add(new JournalEvent(++ordering, new SlateShown($"user-{u}/session-1/slate-{page}", $"user-{u}/session-1", page, $"user-{u}",
                    u % 4 == 0 ? "random" : "interest", 40, u % 4 == 0, T0.AddMinutes(10 * u + page), [.. items], page)));
            }
        }
        return events;
    }

    private static async Task<(List<JournalEvent> Events, List<string[]> Csv, string Progress)> ExportAsync(TrainingStore store, TempDir dir,
        Func<TrainingStore, Task>? alter = null)
    {
        var events = Events();
        await store.EnsureSchemaAsync();
        foreach (var chunk in events.Chunk(500)) await store.WriteAsync(chunk);
        if (alter is not null) await alter(store);
        var progress = new StringWriter();
        var results = await Exporter.ExportAsync(store, ExportFormat.ObdSlate, dir.File("obd-slate"), progress);
        Assert.Equal(("obd_slate", 60L), (Assert.Single(results).Table, results[0].Rows));
        return (events, ExportTests.ReadCsv(Path.Combine(dir.File("obd-slate"), ObdSlateExport.FileName)), progress.ToString());
    }

    private static string D(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    [Fact]
    public async Task Sqlite_impression_log_round_trips_through_obd_slate_with_every_pscore_as_stored()
    {
        using var dir = new TempDir();
        await RoundTrip(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db"))), dir);
    }

    [PostgresFact]
    public async Task Postgres_impression_log_round_trips_through_obd_slate()
    {
        using var dir = new TempDir();
        await using var db = await Postgres.CreateDatabaseAsync();
        await RoundTrip(new TrainingStore(SqlDialect.Postgres, db.ConnectionString), dir);
    }

    private static async Task RoundTrip(TrainingStore store, TempDir dir)
    {
        var (events, csv, progress) = await ExportAsync(store, dir);
        string[] shadowColumns = ["external_ranker_pscore", "external_ranker_pscore_item_position", "external_ranker_pscore_cascade",
            "popular_pscore", "popular_pscore_item_position", "popular_pscore_cascade"];
        Assert.Equal([.. ObdSlateExport.Head, .. shadowColumns, .. ObdSlateExport.Tail], csv[0]);
        Assert.Equal(["slate_id", "position", "action", "reward", "pscore", "pscore_item_position", "pscore_cascade"], ObdSlateExport.Head);
        var col = csv[0].Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        var rows = csv.Skip(1).ToList();

        var actions = events.Select(e => e.Event).OfType<PostPublished>().OrderBy(p => p.CreatedAt).ThenBy(p => p.PostId, StringComparer.Ordinal)
            .Select((p, i) => (p.PostId, i)).ToDictionary(x => x.PostId, x => x.i);
        var slates = events.Select(e => e.Event).OfType<SlateShown>().OrderBy(s => s.CreatedAt).ToList();
        var expected = slates.SelectMany((s, k) => s.Items.Select(i => (SlateIndex: k, Slate: s, Item: i))).ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (var n = 0; n < rows.Count; n++)
        {
            var (k, s, i) = expected[n];
            var row = rows[n];
            Assert.Equal(csv[0].Length, row.Length);
            var last = s.Items[^1];
            // OBP's arrays: integer slate and position from 0, the post's index, liked as the reward
            Assert.Equal((k.ToString(), (i.Position - 1).ToString(), actions[i.PostId].ToString(), i.Liked ? "1" : "0"),
                (row[col["slate_id"]], row[col["position"]], row[col["action"]], row[col["reward"]]));
            // the logging policy: the marginal as logged, the cascade as logged, the slate's probability = the cascade at its last position
            Assert.Equal(D(i.Propensity), row[col["pscore_item_position"]]);
            Assert.Equal(D(i.CascadePropensity), row[col["pscore_cascade"]]);
            Assert.Equal(D(s.Items.All(x => x.CascadePropensity is not null) ? last.CascadePropensity : null), row[col["pscore"]]);
            // each shadow policy likewise, empty where it was not logged
            foreach (var (policy, prefix) in new[] { ("popular", "popular"), ("external:ranker", "external_ranker") })
            {
                Assert.Equal(i.Shadow!.TryGetValue(policy, out var p) ? D(p) : "", row[col[prefix + "_pscore_item_position"]]);
                Assert.Equal(i.ShadowCascade!.TryGetValue(policy, out var c) ? D(c) : "", row[col[prefix + "_pscore_cascade"]]);
                var whole = s.Items.All(x => x.ShadowCascade!.ContainsKey(policy)) ? last.ShadowCascade![policy] : (double?)null;
                Assert.Equal(D(whole), row[col[prefix + "_pscore"]]);
            }
            Assert.Equal(s.CreatedAt, DateTime.Parse(row[col["timestamp"]], null, DateTimeStyles.AdjustToUniversal));
            Assert.Equal((s.SlateId, s.UserId, i.PostId, s.Policy, s.IsRandom ? "1" : "0", s.Page.ToString()),
                (row[col["afu_slate_id"]], row[col["user_id"]], row[col["item_id"]], row[col["policy"]], row[col["is_random"]], row[col["page"]]));
            Assert.Equal((i.Viewed ? "1" : "0", i.Commented ? "1" : "0", i.Hid ? "1" : "0"), (row[col["opened"]], row[col["commented"]], row[col["hid"]]));
        }
        // the cases the events set up are there: a slate without cascade, a shadow policy missing, a zero shadow propensity
        Assert.Contains(rows, r => r[col["pscore"]] == "" && r[col["pscore_item_position"]] != "");
        Assert.Contains(rows, r => r[col["external_ranker_pscore_item_position"]] == "" && r[col["popular_pscore_item_position"]] != "");
        Assert.Contains(rows, r => r[col["external_ranker_pscore_item_position"]] == "0");
        Assert.Contains(rows, r => r[col["popular_pscore"]] == "" && r[col["popular_pscore_cascade"]] != "");
        Assert.Contains("6 of 60 impressions have no cascade propensity", progress);

        // what OBP checks of its slate inputs (obp.utils check_sips_inputs, check_iips_inputs, check_rips_inputs), on the slates that have them
        foreach (var prefix in new[] { "", "popular_", "external_ranker_" })
        {
            foreach (var slate in rows.GroupBy(r => r[col["slate_id"]]))
            {
                var slots = slate.OrderBy(r => int.Parse(r[col["position"]])).ToList();
                Assert.Equal(slots.Count, slots.Select(r => r[col["position"]]).Distinct().Count());
                Assert.Single(slots.Select(r => r[col[prefix + "pscore"]]).Distinct()); // pscore unique in each slate
                if (slots.Any(r => r[col[prefix + "pscore_cascade"]] == "")) continue;
                var cascades = slots.Select(r => double.Parse(r[col[prefix + "pscore_cascade"]], CultureInfo.InvariantCulture)).ToList();
                Assert.All(cascades.Zip(cascades.Skip(1)), pair => Assert.True(pair.Item2 <= pair.Item1, "the cascade never grows down the slate"));
                if (slots[0][col[prefix + "pscore"]] != "") Assert.Equal(slots[^1][col[prefix + "pscore_cascade"]], slots[0][col[prefix + "pscore"]]);
                if (prefix == "") Assert.All(cascades, c => Assert.InRange(c, double.Epsilon, 1));
            }
        }
    }

    [Fact]
    public async Task A_store_made_before_cascade_propensities_exports_them_empty_and_says_so()
    {
        using var dir = new TempDir();
        var (_, csv, progress) = await ExportAsync(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db"))), dir,
            async store =>
            {
                // the columns as an older store lacks them (afu export opens a store as it is, without adding columns)
                await using var c = await store.OpenAsync();
                foreach (var sql in new[] { "ALTER TABLE impressions DROP COLUMN cascade_propensity", "ALTER TABLE impression_propensities DROP COLUMN cascade_propensity" })
                {
                    await using var cmd = c.CreateCommand();
                    cmd.CommandText = sql;
                    await cmd.ExecuteNonQueryAsync();
                }
            });
        var col = csv[0].Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        Assert.All(csv.Skip(1), r =>
        {
            Assert.Equal(["", "", "", "", ""], new[] { "pscore", "pscore_cascade", "popular_pscore", "popular_pscore_cascade", "external_ranker_pscore" }.Select(n => r[col[n]]));
            Assert.NotEqual("", r[col["pscore_item_position"]]);
            Assert.NotEqual("", r[col["popular_pscore_item_position"]]);
        });
        Assert.Contains("60 of 60 impressions have no cascade propensity", progress);
        Assert.Contains("pscore_item_position is complete", progress);
    }

    [Fact]
    public async Task Shadow_policies_whose_names_would_share_columns_are_refused_by_name()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ExportAsync(store, dir, async s =>
        {
            await using var c = await s.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO impression_propensities (impression_id, policy, propensity) VALUES ('user-1/session-1/slate-1#1', 'external-ranker', 0.5)";
            await cmd.ExecuteNonQueryAsync();
        }));
        Assert.Contains("'external-ranker' and 'external:ranker' would share the columns external_ranker_pscore*", ex.Message);
    }

    [Fact]
    public async Task Export_cli_takes_obd_slate_as_a_format()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        await store.EnsureSchemaAsync();
        await store.WriteAsync(Events());
        var stdout = new StringWriter();
        var code = await AkkaFakeUsers.Host.AfuApp.RunAsync(["export", "--format", "obd-slate", "--out", dir.File("out"), "--data-dir", dir.Path],
            stdout, stdout, CancellationToken.None, new Dictionary<string, string>());
        Assert.Equal(0, code);
        Assert.Contains("obd_slate: 60 rows (20 slates, shadow policies: external:ranker, popular)", stdout.ToString());
        Assert.Equal(61, ExportTests.ReadCsv(Path.Combine(dir.File("out"), "obd_slate.csv")).Count);
    }
}
