using System.Data.Common;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Persistence.Coalescing;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>
/// The projection's write of one batch (SQLite: prepared INSERT per row; PostgreSQL: one INSERT … FROM unnest(arrays)
/// per table): every event becomes exactly one row however often it is written, and the offset only moves forward.
/// </summary>
public class TrainingStoreTests
{
    [Fact]
    public Task Sqlite_batches_written_again_add_no_rows()
    {
        var dir = new TempDir();
        return WrittenAgain(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db"))), dir);
    }

    [PostgresFact]
    public async Task Postgres_batches_written_again_add_no_rows()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        await WrittenAgain(new TrainingStore(SqlDialect.Postgres, db.ConnectionString), null);
    }

    [Fact]
    public Task A_sqlite_database_made_before_hides_is_widened_and_keeps_its_rows()
    {
        var dir = new TempDir();
        return WidenedForHides(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db"))), dir);
    }

    [PostgresFact]
    public async Task A_postgres_database_made_before_hides_is_widened_and_keeps_its_rows()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        await WidenedForHides(new TrainingStore(SqlDialect.Postgres, db.ConnectionString), null);
    }

    [Fact]
    public Task A_sqlite_impression_log_made_before_pages_and_cascades_gains_the_columns_and_keeps_its_rows()
    {
        var dir = new TempDir();
        return GainsAddedColumns(new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db"))), dir);
    }

    [PostgresFact]
    public async Task A_postgres_impression_log_made_before_pages_and_cascades_gains_the_columns_and_keeps_its_rows()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        await GainsAddedColumns(new TrainingStore(SqlDialect.Postgres, db.ConnectionString), null);
    }

    [Fact]
    public async Task Exports_and_the_dataset_reader_read_a_store_made_before_pages_and_cascades_without_altering_it()
    {
        using var dir = new TempDir();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(dir.File("afu.db")));
        await store.EnsureSchemaAsync();
        await using (var c = await store.OpenAsync())
            await StoreConnection.ExecAsync(c, "DROP TABLE impressions; DROP TABLE impression_propensities", default);
        await CreateOldImpressionTablesAsync(store);

        var tables = await AkkaFakeUsers.Dataset.DatasetTables.ReadAsync(store);
        var only = Assert.Single(tables.Impressions);
        Assert.Equal((1, (double?)null), (only.Page, only.CascadePropensity));
        Assert.Equal(0.1, tables.Shadow["old/slate-1#1"]["random"]);
        Assert.Empty(tables.ShadowCascade);
        var csv = await AkkaFakeUsers.Dataset.Exporter.ExportAsync(store, AkkaFakeUsers.Dataset.ExportFormat.Csv, Path.Combine(dir.Path, "csv"), new StringWriter());
        Assert.Equal(1, csv.Single(r => r.Table == "impressions").Rows);
        var header = File.ReadLines(Path.Combine(dir.Path, "csv", "impressions.csv")).First();
        Assert.EndsWith("page,cascade_propensity", header);
        Assert.EndsWith(",1,", File.ReadLines(Path.Combine(dir.Path, "csv", "impressions.csv")).Skip(1).First());
        await using var read = await store.OpenAsync();
        Assert.False(await TrainingSchema.HasColumnAsync(store.Db, read, "impressions", "cascade_propensity", default), "a reader leaves the store as it is");
    }

    /// <summary>The impression log as the first slates made it: no page, no cascade propensities; one impression with one shadow propensity.</summary>
    private static async Task CreateOldImpressionTablesAsync(TrainingStore store)
    {
        var pg = store.Dialect == SqlDialect.Postgres;
        var (time, flag, real) = pg ? ("timestamptz", "boolean", "double precision") : ("TEXT", "INTEGER", "REAL");
        var t0 = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        await using var c = await store.OpenAsync();
        await StoreConnection.ExecAsync(c, "CREATE TABLE impressions (id TEXT PRIMARY KEY, slate_id TEXT NOT NULL, session_id TEXT NOT NULL, user_id TEXT NOT NULL, " +
            $"post_id TEXT NOT NULL, position INTEGER NOT NULL, policy TEXT NOT NULL, score {real} NOT NULL, propensity {real} NOT NULL, candidates INTEGER NOT NULL, " +
            $"is_random {flag} NOT NULL, shown_at {time} NOT NULL, examined {flag} NOT NULL, viewed {flag} NOT NULL, dwell_ms INTEGER NOT NULL, liked {flag} NOT NULL, " +
            $"commented {flag} NOT NULL, hid {flag} NOT NULL, match_score {real} NOT NULL)", default);
        await StoreConnection.ExecAsync(c, $"CREATE TABLE impression_propensities (impression_id TEXT NOT NULL, policy TEXT NOT NULL, propensity {real} NOT NULL, " +
            "PRIMARY KEY (impression_id, policy))", default);
        await using var insert = c.CreateCommand();
        var f = pg ? "false" : "0";
        insert.CommandText = $"INSERT INTO impressions VALUES ('old/slate-1#1', 'old/slate-1', 'old', 'user-1', 'user-2/post-1', 1, 'interest', 0.5, 0.9, 10, {f}, @t, " +
                             $"{f}, {f}, 0, {f}, {f}, {f}, 0.5); INSERT INTO impression_propensities VALUES ('old/slate-1#1', 'random', 0.1)";
        StoreConnection.AddParam(insert, "@t", store.Db.TimeValue(t0));
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task GainsAddedColumns(TrainingStore store, IDisposable? cleanup)
    {
        using var _ = cleanup;
        var t0 = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        await CreateOldImpressionTablesAsync(store);
        await store.EnsureSchemaAsync();
        await store.EnsureSchemaAsync(); // a second start changes nothing
        var slate = new SlateShown("user-1/session-1/slate-1", "user-1/session-1", 1, "user-1", "interest", 10, false, t0,
            [new Impression("user-2/post-2", "user-2", 1, 0.5, 0.9, 0.5, true, true, 100, true, false, false,
                new Dictionary<string, double> { ["random"] = 0.1 }, 0.9, new Dictionary<string, double> { ["random"] = 0.1 })], Page: 2);
        await store.WriteAsync([new JournalEvent(1, slate)]);
        await using var read = await store.OpenAsync();
        await using var cmd = read.CreateCommand();
        cmd.CommandText = "SELECT i.id, i.page, i.cascade_propensity, p.cascade_propensity FROM impressions i JOIN impression_propensities p ON p.impression_id = i.id ORDER BY i.id";
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync())
            rows.Add($"{r.GetString(0)} page {Convert.ToInt64(r.GetValue(1))} {(r.IsDBNull(2) ? "null" : r.GetDouble(2).ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
                     $"{(r.IsDBNull(3) ? "null" : r.GetDouble(3).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        Assert.Equal(["old/slate-1#1 page 1 null null", "user-1/session-1/slate-1#1 page 2 0.9 0.1"], rows);
    }

    private static async Task WidenedForHides(TrainingStore store, IDisposable? cleanup)
    {
        using var _ = cleanup;
        // the user_interactions table as earlier versions made it: hides are refused
        var json = store.Dialect == SqlDialect.Postgres ? "jsonb" : "TEXT";
        var time = store.Dialect == SqlDialect.Postgres ? "timestamptz" : "TEXT";
        await using (var c = await store.OpenAsync())
        {
            await StoreConnection.ExecAsync(c, $"CREATE TABLE user_interactions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, post_id TEXT NOT NULL, " +
                $"type TEXT NOT NULL CHECK (type IN ('view', 'like', 'comment')), content TEXT NULL, created_at {time} NOT NULL, metadata {json} NOT NULL)", default);
        }
        var t0 = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        await using (var c = await store.OpenAsync())
        {
            await using var insert = c.CreateCommand();
            insert.CommandText = "INSERT INTO user_interactions VALUES ('user-1/view/user-2/post-1', 'user-1', 'user-2/post-1', 'view', NULL, @t, " +
                                 (store.Dialect == SqlDialect.Postgres ? "'{}'::jsonb)" : "'{}')");
            StoreConnection.AddParam(insert, "@t", store.Db.TimeValue(t0));
            await insert.ExecuteNonQueryAsync();
        }
        var hide = new InteractionRecorded("user-1/hide/user-2/post-2", "user-1", "user-2/post-2", "user-2", InteractionType.Hide, null, 0.1, false, t0, t0, null, null);
        await store.EnsureSchemaAsync();
        await store.EnsureSchemaAsync(); // a second start changes nothing
        await store.WriteAsync([new JournalEvent(1, hide)]);
        var counts = await store.CountsAsync();
        Assert.Equal((1L, 1L), (counts.Views, counts.Hides));
    }

    private static async Task WrittenAgain(TrainingStore store, IDisposable? cleanup)
    {
        using var _ = cleanup;
        var events = ExportTests.Events(users: 20, postsPerUser: 10); // 20 users, 200 posts, 600 interactions, 20 follows
        await store.EnsureSchemaAsync();

        // A crash after committing the first half: the projection restarts from the stored offset, but a second
        // projection (or a replay from an older offset) writes the first 600 again, overlapping the rest.
        await store.WriteAsync(events[..600]);
        Assert.Equal(600, await store.ReadOffsetAsync());
        await store.WriteAsync(events[300..]);
        // One batch holding the same event twice, and an older batch arriving late: no new rows, the offset stays.
        await store.WriteAsync([events[5], events[5], events[400]]);
        Assert.Equal(events.Count, await store.ReadOffsetAsync());

        var counts = await store.CountsAsync();
        Assert.Equal(new TableCounts(20, 200, 200, 200, 200, 20, 0, 20, 60), counts); // 20 slates of 3: each impression once

        // Values as written: text with quotes and new lines, a null comment content, UTC times, metadata as JSON.
        await using var c = await store.OpenAsync();
        var comment = events.Select(e => e.Event).OfType<InteractionRecorded>().First(i => i.Type == InteractionType.Comment);
        var view = events.Select(e => e.Event).OfType<InteractionRecorded>().First(i => i.Type == InteractionType.View);
        var post = events.Select(e => e.Event).OfType<PostPublished>().Last();
        Assert.Equal([(object?)comment.Content!, comment.CreatedAt, 1L], await Row(c, "SELECT content, created_at, COUNT(*) OVER () FROM user_interactions WHERE id = @id", comment.InteractionId));
        Assert.Equal([DBNull.Value, view.CreatedAt, 1L], await Row(c, "SELECT content, created_at, COUNT(*) OVER () FROM user_interactions WHERE id = @id", view.InteractionId));
        Assert.Equal([post.Content, post.CreatedAt, "builtin"],
            await Row(c, store.Dialect == SqlDialect.Postgres
                ? "SELECT content, created_at, metadata->>'generated_by' FROM posts WHERE id = @id"
                : "SELECT content, created_at, json_extract(metadata, '$.generated_by') FROM posts WHERE id = @id", post.PostId));
        var follow = events.Select(e => e.Event).OfType<UserFollowed>().First();
        Assert.Equal([0.75], await Row(c, store.Dialect == SqlDialect.Postgres
            ? "SELECT CAST(metadata->>'interest_match_score' AS float8) FROM follows WHERE follower_id = @id"
            : "SELECT json_extract(metadata, '$.interest_match_score') FROM follows WHERE follower_id = @id", follow.FollowerId));
    }

    /// <summary>One row's values, times read back as UTC whichever way the store keeps them.</summary>
    private static async Task<object[]> Row(DbConnection c, string sql, string id)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        StoreConnection.AddParam(cmd, "@id", id);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"no row for {id}");
        var values = new object[r.FieldCount];
        for (var i = 0; i < values.Length; i++)
            values[i] = r.GetName(i) == "created_at" ? StoreConnection.ReadTime(r, i) : r.GetValue(i);
        Assert.False(await r.ReadAsync(), $"more than one row for {id}");
        return values;
    }
}

public class SqliteWriteGateTests
{
    [Fact]
    public async Task Writers_of_one_file_take_turns_in_arrival_order_and_other_files_do_not_wait()
    {
        using var dir = new TempDir();
        var file = StoreConnection.SqliteConnectionString(dir.File("a.db"));
        var sameFileOtherSpelling = StoreConnection.SqliteConnectionString(Path.Combine(dir.Path, ".", "a.db"));
        var other = StoreConnection.SqliteConnectionString(dir.File("b.db"));
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var release = new ManualResetEventSlim();
        var running = new TaskCompletionSource();

        var first = SqliteWriteGate.RunAsync(file, () => { running.SetResult(); release.Wait(); order.Enqueue("first"); }, CancellationToken.None);
        await running.Task;
        var second = SqliteWriteGate.RunAsync(sameFileOtherSpelling, () => order.Enqueue("second"), CancellationToken.None);
        var third = SqliteWriteGate.RunAsync(file, () => order.Enqueue("third"), CancellationToken.None);
        await SqliteWriteGate.RunAsync(other, () => order.Enqueue("other file"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.False(second.IsCompleted || third.IsCompleted, "a writer of the same file ran while the first held it");

        release.Set();
        await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["other file", "first", "second", "third"], order);
    }

    [Fact]
    public async Task A_failed_write_lets_the_next_writer_in_and_reaches_its_caller()
    {
        using var dir = new TempDir();
        var file = StoreConnection.SqliteConnectionString(dir.File("a.db"));
        var failed = SqliteWriteGate.RunAsync(file, () => throw new InvalidOperationException("disk full"), CancellationToken.None);
        var next = SqliteWriteGate.RunAsync(file, () => { }, CancellationToken.None);
        Assert.Equal("disk full", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
