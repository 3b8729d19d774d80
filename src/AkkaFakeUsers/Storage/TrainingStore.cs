using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AkkaFakeUsers.Storage;

public enum SqlDialect { Sqlite, Postgres }

public sealed record TableCounts(long Users, long Posts, long Views, long Likes, long Comments, long Follows = 0);

/// <summary>One journal event with its global ordering (the projection offset).</summary>
public sealed record JournalEvent(long Ordering, IUserEvent Event);

/// <summary>
/// The training tables <c>users</c>, <c>posts</c>, <c>user_interactions</c> (schema in ARCHITECTURE.md) and the
/// projection offset, on SQLite or PostgreSQL with the same statements. Writes are idempotent
/// (<c>ON CONFLICT DO NOTHING</c>) and commit rows and offset in one transaction: each event lands exactly once.
/// </summary>
public sealed class TrainingStore
{
    public const string DefaultProjection = "training-tables";

    private readonly string _connectionString;

    public TrainingStore(SqlDialect dialect, string connectionString)
    {
        Dialect = dialect;
        _connectionString = connectionString;
    }

    public SqlDialect Dialect { get; }

    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        // Journal writes and projection writes share the file: wait for the lock instead of failing (SQLITE_BUSY).
        DefaultTimeout = 60,
        Pooling = true,
    }.ToString();

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (Dialect == SqlDialect.Sqlite) return OpenSqlite(_connectionString);
        var c = new NpgsqlConnection(_connectionString);
        await c.OpenAsync(ct);
        return c;
    }

    /// <summary>
    /// Opens a SQLite connection (the store's and the journal row writer's). The WAL is copied back into the database file (a checkpoint, run by the
    /// committing connection) every 4,000 pages instead of SQLite's 1,000: journal rows of many users land on as many
    /// index pages, and each checkpoint rewrites every page changed since the last one, so checkpointing less often
    /// writes each hot page fewer times (+40% rows/s for batches of 150 users' events). Commits still wait for the WAL
    /// to reach the disk (synchronous = FULL).
    /// </summary>
    public static SqliteConnection OpenSqlite(string connectionString)
    {
        var c = new SqliteConnection(connectionString);
        try
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_autocheckpoint = 4000";
            cmd.ExecuteNonQuery();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private string Json => Dialect == SqlDialect.Postgres ? "jsonb" : "TEXT";
    private string Time => Dialect == SqlDialect.Postgres ? "timestamptz" : "TEXT";
    private string JsonParam(string name) => Dialect == SqlDialect.Postgres ? $"CAST({name} AS jsonb)" : name;

    public string[] SchemaStatements() =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE,
          bio TEXT NOT NULL,
          interests TEXT NOT NULL,
          created_at {Time} NOT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS posts (
          id TEXT PRIMARY KEY,
          author_id TEXT NOT NULL,
          content TEXT NOT NULL,
          interest TEXT NOT NULL,
          subtopic TEXT NOT NULL,
          created_at {Time} NOT NULL,
          metadata {Json} NOT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS user_interactions (
          id TEXT PRIMARY KEY,
          user_id TEXT NOT NULL,
          post_id TEXT NOT NULL,
          type TEXT NOT NULL CHECK (type IN ('view', 'like', 'comment')),
          content TEXT NULL,
          created_at {Time} NOT NULL,
          metadata {Json} NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS ix_user_interactions_post ON user_interactions (post_id)",
        "CREATE INDEX IF NOT EXISTS ix_user_interactions_user_type ON user_interactions (user_id, type)",
        "CREATE INDEX IF NOT EXISTS ix_posts_created_at ON posts (created_at)",
        $"""
        CREATE TABLE IF NOT EXISTS follows (
          follower_id TEXT NOT NULL,
          followee_id TEXT NOT NULL,
          created_at {Time} NOT NULL,
          metadata {Json} NOT NULL,
          PRIMARY KEY (follower_id, followee_id))
        """,
        "CREATE INDEX IF NOT EXISTS ix_follows_followee ON follows (followee_id)",
        $"""
        CREATE TABLE IF NOT EXISTS projection_offsets (
          name TEXT PRIMARY KEY,
          ordering BIGINT NOT NULL,
          updated_at {Time} NOT NULL)
        """,
    ];

    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        if (Dialect == SqlDialect.Sqlite)
        {
            // WAL lets the projection and readers work while the journal writes. The mode is stored in the file.
            await ExecAsync(c, null, "PRAGMA journal_mode=WAL", ct);
        }
        foreach (var s in SchemaStatements()) await ExecAsync(c, null, s, ct);
    }

    private static async Task ExecAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> ReadOffsetAsync(string projection = DefaultProjection, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT ordering FROM projection_offsets WHERE name = @name";
        AddParam(cmd, "@name", projection);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
    }

    private string UserSql => "INSERT INTO users (id, username, bio, interests, created_at) VALUES (@id, @username, @bio, @interests, @created_at) ON CONFLICT DO NOTHING";
    private string PostSql => $"INSERT INTO posts (id, author_id, content, interest, subtopic, created_at, metadata) VALUES (@id, @author_id, @content, @interest, @subtopic, @created_at, {JsonParam("@metadata")}) ON CONFLICT DO NOTHING";
    private string InteractionSql => $"INSERT INTO user_interactions (id, user_id, post_id, type, content, created_at, metadata) VALUES (@id, @user_id, @post_id, @type, @content, @created_at, {JsonParam("@metadata")}) ON CONFLICT DO NOTHING";
    private string FollowSql => $"INSERT INTO follows (follower_id, followee_id, created_at, metadata) VALUES (@follower_id, @followee_id, @created_at, {JsonParam("@metadata")}) ON CONFLICT DO NOTHING";
    private string OffsetSql => Dialect == SqlDialect.Postgres
        ? "INSERT INTO projection_offsets (name, ordering, updated_at) VALUES (@name, @ordering, @now) ON CONFLICT (name) DO UPDATE SET ordering = GREATEST(projection_offsets.ordering, excluded.ordering), updated_at = excluded.updated_at"
        : "INSERT INTO projection_offsets (name, ordering, updated_at) VALUES (@name, @ordering, @now) ON CONFLICT (name) DO UPDATE SET ordering = MAX(projection_offsets.ordering, excluded.ordering), updated_at = excluded.updated_at";

    /// <summary>The statement and parameters that project one event (null for events that make no row).</summary>
    private (string Sql, (string, object)[] Args)? RowFor(IUserEvent e) => e switch
    {
        UserCreated u => (UserSql, [("@id", u.Profile.UserId), ("@username", u.Profile.Username), ("@bio", u.Bio),
            ("@interests", string.Join(",", u.Profile.InterestNames)), ("@created_at", TimeValue(u.CreatedAt))]),
        PostPublished p => (PostSql, [("@id", p.PostId), ("@author_id", p.UserId), ("@content", p.Content), ("@interest", p.Interest),
            ("@subtopic", p.Subtopic), ("@created_at", TimeValue(p.CreatedAt)), ("@metadata", PostMetadata(p))]),
        InteractionRecorded i => (InteractionSql, [("@id", i.InteractionId), ("@user_id", i.UserId), ("@post_id", i.PostId), ("@type", i.Type.Name()),
            ("@content", (object?)i.Content ?? DBNull.Value), ("@created_at", TimeValue(i.CreatedAt)), ("@metadata", InteractionMetadata(i))]),
        UserFollowed f => (FollowSql, [("@follower_id", f.FollowerId), ("@followee_id", f.FolloweeId), ("@created_at", TimeValue(f.CreatedAt)),
            ("@metadata", FollowMetadata(f))]),
        _ => null,
    };

    /// <summary>
    /// Writes the rows of a batch and advances the offset to its last ordering, in one transaction. On PostgreSQL the
    /// whole batch goes in one round trip (DbBatch); on SQLite (in-process) statement by statement.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<JournalEvent> batch, string projection = DefaultProjection, CancellationToken ct = default)
    {
        if (batch.Count == 0) return;
        var rows = batch.Select(je => RowFor(je.Event)).Where(r => r is not null).Select(r => r!.Value).ToList();
        rows.Add((OffsetSql, [("@name", projection), ("@ordering", batch[^1].Ordering), ("@now", TimeValue(DateTime.UtcNow))]));

        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (c.CanCreateBatch)
        {
            await using var b = c.CreateBatch();
            b.Transaction = tx;
            foreach (var (sql, args) in rows)
            {
                var cmd = b.CreateBatchCommand();
                cmd.CommandText = sql;
                foreach (var (n, v) in args)
                {
                    var p = cmd.CreateParameter();
                    p.ParameterName = n;
                    p.Value = v;
                    cmd.Parameters.Add(p);
                }
                b.BatchCommands.Add(cmd);
            }
            await b.ExecuteNonQueryAsync(ct);
        }
        else
        {
            var commands = new Dictionary<string, DbCommand>();
            try
            {
                foreach (var (sql, args) in rows)
                {
                    if (!commands.TryGetValue(sql, out var cmd)) commands[sql] = cmd = Prepare(c, tx, sql);
                    await RunAsync(cmd, ct, args);
                }
            }
            finally
            {
                foreach (var cmd in commands.Values) await cmd.DisposeAsync();
            }
        }
        await tx.CommitAsync(ct);
    }

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

    private object TimeValue(DateTime t)
    {
        var utc = DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc);
        return Dialect == SqlDialect.Postgres ? utc : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>A timestamp column as UTC, whichever way the store keeps it (ISO 8601 text on SQLite, timestamptz on PostgreSQL).</summary>
    public static DateTime ReadTime(DbDataReader r, int i)
    {
        var v = r.GetValue(i);
        return v switch
        {
            DateTime dt => DateTime.SpecifyKind(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt, DateTimeKind.Utc),
            DateTimeOffset dto => dto.UtcDateTime,
            string s => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            _ => throw new InvalidDataException($"column {r.GetName(i)}: unexpected time value '{v}'"),
        };
    }

    private static DbCommand Prepare(DbConnection c, DbTransaction tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static async Task RunAsync(DbCommand cmd, CancellationToken ct, params (string Name, object Value)[] args)
    {
        cmd.Parameters.Clear();
        foreach (var (n, v) in args) AddParam(cmd, n, v);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds a named parameter (same code for SQLite and PostgreSQL commands).</summary>
    public static void AddParam(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    public async Task<TableCounts> CountsAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        async Task<long> Count(string sql)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        return new TableCounts(
            await Count("SELECT COUNT(*) FROM users"),
            await Count("SELECT COUNT(*) FROM posts"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'view'"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'like'"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment'"),
            await Count("SELECT COUNT(*) FROM follows"));
    }

    /// <summary>The highest ordering in the journal (0 when it is empty or not created yet): the projection is caught up at this offset.</summary>
    public async Task<long> JournalMaxOrderingAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT MAX(ordering) FROM journal";
        try
        {
            var v = await cmd.ExecuteScalarAsync(ct);
            return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }
        catch (DbException)
        {
            if (!await TableExistsAsync(c, "journal", ct)) return 0;
            throw;
        }
    }

    public async Task<bool> JournalExistsAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await TableExistsAsync(c, "journal", ct);
    }

    public async Task<IReadOnlyList<string>> MissingTablesAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var missing = new List<string>();
        foreach (var t in new[] { "users", "posts", "user_interactions", "follows" })
            if (!await TableExistsAsync(c, t, ct)) missing.Add(t);
        return missing;
    }

    private async Task<bool> TableExistsAsync(DbConnection c, string table, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = Dialect == SqlDialect.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @t AND table_schema = current_schema()";
        AddParam(cmd, "@t", table);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }
}
