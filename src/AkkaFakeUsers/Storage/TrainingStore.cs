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
    /// to reach the disk (synchronous = FULL). The page cache is 32 MiB instead of 2: a projected event touches a random
    /// page of each of its table's indexes, and pages kept in memory are not read again (+25-35% rows/s measured for
    /// 300k interactions).
    /// </summary>
    public static SqliteConnection OpenSqlite(string connectionString)
    {
        var c = new SqliteConnection(connectionString);
        try
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_autocheckpoint = 4000; PRAGMA cache_size = -32768";
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

    private enum ColumnKind { Text, Time, Json }

    /// <summary>A training table the projection inserts into: its columns in the order <see cref="RowFor"/> gives values.</summary>
    private sealed class TableShape
    {
        public TableShape(string name, params (string Name, ColumnKind Kind)[] columns)
        {
            Columns = columns;
            var list = string.Join(", ", columns.Select(c => c.Name));
            InsertOneSql = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))}) ON CONFLICT DO NOTHING";
            InsertArraysSql =
                $"INSERT INTO {name} ({list}) SELECT {string.Join(", ", columns.Select(c => c.Kind == ColumnKind.Json ? $"CAST({c.Name} AS jsonb)" : c.Name))} " +
                $"FROM unnest({string.Join(", ", columns.Select(c => $"@{c.Name}::{(c.Kind == ColumnKind.Time ? "timestamptz" : "text")}[]"))}) AS u({list}) ON CONFLICT DO NOTHING";
        }

        public (string Name, ColumnKind Kind)[] Columns { get; }

        /// <summary>SQLite: one row per run of a prepared statement.</summary>
        public string InsertOneSql { get; }

        /// <summary>PostgreSQL: every row of the batch in one statement, one array parameter per column.</summary>
        public string InsertArraysSql { get; }
    }

    private static readonly TableShape UsersTable = new("users",
        ("id", ColumnKind.Text), ("username", ColumnKind.Text), ("bio", ColumnKind.Text), ("interests", ColumnKind.Text), ("created_at", ColumnKind.Time));
    private static readonly TableShape PostsTable = new("posts",
        ("id", ColumnKind.Text), ("author_id", ColumnKind.Text), ("content", ColumnKind.Text), ("interest", ColumnKind.Text), ("subtopic", ColumnKind.Text),
        ("created_at", ColumnKind.Time), ("metadata", ColumnKind.Json));
    private static readonly TableShape InteractionsTable = new("user_interactions",
        ("id", ColumnKind.Text), ("user_id", ColumnKind.Text), ("post_id", ColumnKind.Text), ("type", ColumnKind.Text), ("content", ColumnKind.Text),
        ("created_at", ColumnKind.Time), ("metadata", ColumnKind.Json));
    private static readonly TableShape FollowsTable = new("follows",
        ("follower_id", ColumnKind.Text), ("followee_id", ColumnKind.Text), ("created_at", ColumnKind.Time), ("metadata", ColumnKind.Json));

    private string OffsetSql => Dialect == SqlDialect.Postgres
        ? "INSERT INTO projection_offsets (name, ordering, updated_at) VALUES (@name, @ordering, @now) ON CONFLICT (name) DO UPDATE SET ordering = GREATEST(projection_offsets.ordering, excluded.ordering), updated_at = excluded.updated_at"
        : "INSERT INTO projection_offsets (name, ordering, updated_at) VALUES (@name, @ordering, @now) ON CONFLICT (name) DO UPDATE SET ordering = MAX(projection_offsets.ordering, excluded.ordering), updated_at = excluded.updated_at";

    /// <summary>The table and column values (strings, UTC times, null) that project one event; null for events that make no row.</summary>
    private static (TableShape Table, object?[] Values)? RowFor(IUserEvent e) => e switch
    {
        UserCreated u => (UsersTable, [u.Profile.UserId, u.Profile.Username, u.Bio, string.Join(",", u.Profile.InterestNames), u.CreatedAt]),
        PostPublished p => (PostsTable, [p.PostId, p.UserId, p.Content, p.Interest, p.Subtopic, p.CreatedAt, PostMetadata(p)]),
        InteractionRecorded i => (InteractionsTable, [i.InteractionId, i.UserId, i.PostId, i.Type.Name(), i.Content, i.CreatedAt, InteractionMetadata(i)]),
        UserFollowed f => (FollowsTable, [f.FollowerId, f.FolloweeId, f.CreatedAt, FollowMetadata(f)]),
        _ => null,
    };

    /// <summary>
    /// Writes the rows of a batch and advances the offset to its last ordering, in one transaction. On PostgreSQL each
    /// table's rows go in one INSERT … SELECT FROM unnest(arrays) and the whole batch in one round trip; on SQLite
    /// (in-process) one prepared INSERT per table, run row by row.
    /// </summary>
    public Task WriteAsync(IReadOnlyList<JournalEvent> batch, string projection = DefaultProjection, CancellationToken ct = default) =>
        batch.Count == 0 ? Task.CompletedTask
        // Microsoft.Data.Sqlite's calls block: a pool thread writes, taking turns with the journal (SqliteWriteGate), and
        // the caller (the projection's stream) goes on reading the journal meanwhile.
        : Dialect == SqlDialect.Sqlite ? SqliteWriteGate.RunAsync(_connectionString, () => WriteSqlite(batch, projection), ct)
        : WritePostgresAsync(batch, projection, ct);

    private void WriteSqlite(IReadOnlyList<JournalEvent> batch, string projection)
    {
        using var c = OpenSqlite(_connectionString);
        using var tx = c.BeginTransaction();
        var commands = new Dictionary<TableShape, DbCommand>();
        try
        {
            foreach (var je in batch)
            {
                if (RowFor(je.Event) is not var (table, values)) continue;
                if (!commands.TryGetValue(table, out var cmd))
                {
                    commands[table] = cmd = Command(c, tx, table.InsertOneSql);
                    foreach (var col in table.Columns) AddParam(cmd, "@" + col.Name, DBNull.Value);
                }
                for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = table.Columns[i].Kind == ColumnKind.Time ? TimeValue((DateTime)values[i]!) : values[i] ?? DBNull.Value;
                cmd.ExecuteNonQuery();
            }
            using var offset = Command(c, tx, OffsetSql);
            foreach (var (n, v) in OffsetArgs(projection, batch[^1].Ordering)) AddParam(offset, n, v);
            offset.ExecuteNonQuery();
        }
        finally
        {
            foreach (var cmd in commands.Values) cmd.Dispose();
        }
        tx.Commit();
    }

    private async Task WritePostgresAsync(IReadOnlyList<JournalEvent> batch, string projection, CancellationToken ct)
    {
        var byTable = new Dictionary<TableShape, List<object?[]>>();
        foreach (var je in batch)
        {
            if (RowFor(je.Event) is not var (table, values)) continue;
            if (!byTable.TryGetValue(table, out var list)) byTable[table] = list = new List<object?[]>();
            list.Add(values);
        }
        await using var c = (NpgsqlConnection)await OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var b = new NpgsqlBatch(c, tx);
        foreach (var (table, rows) in byTable)
        {
            var cmd = new NpgsqlBatchCommand(table.InsertArraysSql);
            for (var i = 0; i < table.Columns.Length; i++)
            {
                var (name, kind) = table.Columns[i];
                object column = kind == ColumnKind.Time
                    ? rows.Select(r => (DateTime)TimeValue((DateTime)r[i]!)).ToArray()
                    : rows.Select(r => (string?)r[i]).ToArray();
                cmd.Parameters.Add(new NpgsqlParameter("@" + name, column));
            }
            b.BatchCommands.Add(cmd);
        }
        var offset = new NpgsqlBatchCommand(OffsetSql);
        foreach (var (n, v) in OffsetArgs(projection, batch[^1].Ordering)) offset.Parameters.Add(new NpgsqlParameter(n, v));
        b.BatchCommands.Add(offset);
        await b.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private (string Name, object Value)[] OffsetArgs(string projection, long ordering) =>
        [("@name", projection), ("@ordering", ordering), ("@now", TimeValue(DateTime.UtcNow))];

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

    private static DbCommand Command(DbConnection c, DbTransaction tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
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
