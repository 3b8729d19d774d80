namespace AkkaFakeUsers.Storage;

/// <summary>
/// The training tables' DDL (contract in docs/training-tables.md), the same on SQLite and PostgreSQL but for the time and
/// JSON column types. The PostgreSQL version is also shipped, with the journal's tables, as <c>deploy/sql/schema.postgres.sql</c>
/// (<see cref="JournalSchema.PostgresScript"/>; a test keeps the two equal) for databases whose tables an administrator creates beforehand.
/// </summary>
public static class TrainingSchema
{
    /// <summary>The tables the projection writes (besides its offset table).</summary>
    public static readonly string[] Tables = ["users", "posts", "user_interactions", "follows", "impressions", "impression_propensities"];

    public static string[] Statements(SqlDialect dialect)
    {
        var json = dialect == SqlDialect.Postgres ? "jsonb" : "TEXT";
        var time = dialect == SqlDialect.Postgres ? "timestamptz" : "TEXT";
        var flag = dialect == SqlDialect.Postgres ? "boolean" : "INTEGER";
        var real = dialect == SqlDialect.Postgres ? "double precision" : "REAL";
        return
        [
            $"""
            CREATE TABLE IF NOT EXISTS users (
              id TEXT PRIMARY KEY,
              username TEXT NOT NULL UNIQUE,
              bio TEXT NOT NULL,
              interests TEXT NOT NULL,
              created_at {time} NOT NULL)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS posts (
              id TEXT PRIMARY KEY,
              author_id TEXT NOT NULL,
              content TEXT NOT NULL,
              interest TEXT NOT NULL,
              subtopic TEXT NOT NULL,
              created_at {time} NOT NULL,
              metadata {json} NOT NULL)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS user_interactions (
              id TEXT PRIMARY KEY,
              user_id TEXT NOT NULL,
              post_id TEXT NOT NULL,
              type TEXT NOT NULL CHECK (type IN ('view', 'like', 'comment', 'hide')),
              content TEXT NULL,
              created_at {time} NOT NULL,
              metadata {json} NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS ix_user_interactions_post ON user_interactions (post_id)",
            "CREATE INDEX IF NOT EXISTS ix_user_interactions_user_type ON user_interactions (user_id, type)",
            "CREATE INDEX IF NOT EXISTS ix_posts_created_at ON posts (created_at)",
            $"""
            CREATE TABLE IF NOT EXISTS follows (
              follower_id TEXT NOT NULL,
              followee_id TEXT NOT NULL,
              created_at {time} NOT NULL,
              metadata {json} NOT NULL,
              PRIMARY KEY (follower_id, followee_id))
            """,
            "CREATE INDEX IF NOT EXISTS ix_follows_followee ON follows (followee_id)",
            $"""
            CREATE TABLE IF NOT EXISTS impressions (
              id TEXT PRIMARY KEY,
              slate_id TEXT NOT NULL,
              session_id TEXT NOT NULL,
              user_id TEXT NOT NULL,
              post_id TEXT NOT NULL,
              position INTEGER NOT NULL CHECK (position >= 1),
              policy TEXT NOT NULL,
              score {real} NOT NULL,
              propensity {real} NOT NULL CHECK (propensity > 0 AND propensity <= 1),
              candidates INTEGER NOT NULL CHECK (candidates >= 1),
              is_random {flag} NOT NULL,
              shown_at {time} NOT NULL,
              examined {flag} NOT NULL,
              viewed {flag} NOT NULL,
              dwell_ms INTEGER NOT NULL,
              liked {flag} NOT NULL,
              commented {flag} NOT NULL,
              hid {flag} NOT NULL,
              match_score {real} NOT NULL,
              page INTEGER NOT NULL DEFAULT 1 CHECK (page >= 1),
              cascade_propensity {real} NULL CHECK (cascade_propensity IS NULL OR (cascade_propensity > 0 AND cascade_propensity <= 1)))
            """,
            "CREATE INDEX IF NOT EXISTS ix_impressions_slate ON impressions (slate_id)",
            "CREATE INDEX IF NOT EXISTS ix_impressions_shown_at ON impressions (shown_at)",
            $"""
            CREATE TABLE IF NOT EXISTS impression_propensities (
              impression_id TEXT NOT NULL,
              policy TEXT NOT NULL,
              propensity {real} NOT NULL,
              cascade_propensity {real} NULL,
              PRIMARY KEY (impression_id, policy))
            """,
            $"""
            CREATE TABLE IF NOT EXISTS projection_offsets (
              name TEXT PRIMARY KEY,
              ordering BIGINT NOT NULL,
              updated_at {time} NOT NULL)
            """,
        ];
    }

    /// <summary>The statements as one SQL script (what deploy/sql ships).</summary>
    public static string Script(SqlDialect dialect) =>
        "-- AkkaFakeUsers training tables (" + dialect.ToString().ToLowerInvariant() + "); made by TrainingSchema.Script, checked by a test.\n" +
        string.Join("\n\n", Statements(dialect).Select(s => s + ";")) + "\n";

    public static async Task EnsureAsync(StoreConnection db, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        // WAL lets the projection and readers work while the journal writes. The mode is stored in the file.
        if (db.Dialect == SqlDialect.Sqlite) await StoreConnection.ExecAsync(c, "PRAGMA journal_mode=WAL", ct);
        await AllowHidesAsync(db, c, ct);
        await AddColumnsAsync(db, c, ct);
        foreach (var s in Statements(db.Dialect)) await StoreConnection.ExecAsync(c, s, ct);
    }

    /// <summary>
    /// Columns added after the tables first shipped, with the statement that adds each to an older store: the impressions'
    /// page (before sessions scrolled every row was page 1) and the cascade propensities (null in rows written before them).
    /// </summary>
    /// <remarks><c>Before</c>: the column's value in rows written before it existed (what readers of an older store read).</remarks>
    private static IEnumerable<(string Table, string Column, string Alter, string Before)> AddedColumns(SqlDialect dialect)
    {
        var real = dialect == SqlDialect.Postgres ? "double precision" : "REAL";
        yield return ("impressions", "page", "ALTER TABLE impressions ADD COLUMN page INTEGER NOT NULL DEFAULT 1 CHECK (page >= 1)", "1");
        yield return ("impressions", "cascade_propensity",
            $"ALTER TABLE impressions ADD COLUMN cascade_propensity {real} NULL CHECK (cascade_propensity IS NULL OR (cascade_propensity > 0 AND cascade_propensity <= 1))", "NULL");
        yield return ("impression_propensities", "cascade_propensity", $"ALTER TABLE impression_propensities ADD COLUMN cascade_propensity {real} NULL", "NULL");
    }

    /// <summary>
    /// A reader's SELECT (export, dataset) for a store that may predate columns added since (a run adds them; readers
    /// do not alter the store): each column of <see cref="AddedColumns"/> it names plainly, missing in the store, is read
    /// as its value in older rows (page 1, no cascade propensity). The SELECT must read from one table.
    /// </summary>
    public static async Task<string> ReadableAsync(StoreConnection db, System.Data.Common.DbConnection c, string sql, CancellationToken ct = default)
    {
        foreach (var (table, column, _, before) in AddedColumns(db.Dialect))
        {
            var named = new System.Text.RegularExpressions.Regex($@"(?<![\w.]){column}(?!\w)");
            if (!sql.Contains($"FROM {table} ", StringComparison.Ordinal) && !sql.EndsWith($"FROM {table}", StringComparison.Ordinal)) continue;
            if (!named.IsMatch(sql) || await HasColumnAsync(db, c, table, column, ct)) continue;
            sql = named.Replace(sql, $"{before} AS {column}");
        }
        return sql;
    }

    private static async Task AddColumnsAsync(StoreConnection db, System.Data.Common.DbConnection c, CancellationToken ct)
    {
        foreach (var (table, column, alter, _) in AddedColumns(db.Dialect))
            if (await db.TableExistsAsync(c, table, ct) && !await HasColumnAsync(db, c, table, column, ct))
                await StoreConnection.ExecAsync(c, alter, ct);
    }

    /// <summary>Whether <paramref name="table"/> has <paramref name="column"/> (SQLite's table info, PostgreSQL's information schema in the current schema).</summary>
    public static async Task<bool> HasColumnAsync(StoreConnection db, System.Data.Common.DbConnection c, string table, string column, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = db.Dialect == SqlDialect.Sqlite
            ? $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'"
            : $"SELECT COUNT(*) FROM information_schema.columns WHERE table_name = '{table}' AND column_name = '{column}' AND table_schema = current_schema()";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct)) > 0;
    }

    /// <summary>
    /// Databases made before slates allow only view, like and comment in <c>user_interactions.type</c>: widen the check so
    /// the projection can write hides (PostgreSQL: swap the constraint; SQLite, which cannot alter a check: copy the rows
    /// into a new table, in one transaction). Rows are kept as they are.
    /// </summary>
    private static async Task AllowHidesAsync(StoreConnection db, System.Data.Common.DbConnection c, CancellationToken ct)
    {
        if (!await db.TableExistsAsync(c, "user_interactions", ct)) return;
        await using var cmd = c.CreateCommand();
        cmd.CommandText = db.Dialect == SqlDialect.Sqlite
            ? "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'user_interactions'"
            : "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'user_interactions'::regclass AND contype = 'c' AND conname = 'user_interactions_type_check'";
        var ddl = Convert.ToString(await cmd.ExecuteScalarAsync(ct)) ?? "";
        if (ddl.Length == 0 || ddl.Contains("hide", StringComparison.Ordinal)) return;
        if (db.Dialect == SqlDialect.Postgres)
        {
            await StoreConnection.ExecAsync(c,
                "ALTER TABLE user_interactions DROP CONSTRAINT user_interactions_type_check, " +
                "ADD CONSTRAINT user_interactions_type_check CHECK (type IN ('view', 'like', 'comment', 'hide'))", ct);
            return;
        }
        await using var tx = await c.BeginTransactionAsync(ct);
        foreach (var sql in new[]
                 {
                     "ALTER TABLE user_interactions RENAME TO user_interactions_before_hides",
                     Statements(SqlDialect.Sqlite).Single(st => st.StartsWith("CREATE TABLE IF NOT EXISTS user_interactions", StringComparison.Ordinal)),
                     "INSERT INTO user_interactions SELECT * FROM user_interactions_before_hides",
                     "DROP TABLE user_interactions_before_hides",
                 })
        {
            await using var step = c.CreateCommand();
            step.Transaction = tx;
            step.CommandText = sql;
            await step.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// For a role that may not alter the tables: fails with the statement an administrator must run when they predate
    /// a change the node would otherwise make itself (the 'hide' interaction type, the columns of <see cref="AddedColumns"/>).
    /// </summary>
    public static async Task RequireCurrentAsync(StoreConnection db, System.Data.Common.DbConnection c, string where, CancellationToken ct)
    {
        foreach (var (table, column, alter, _) in AddedColumns(db.Dialect))
            if (await db.TableExistsAsync(c, table, ct) && !await HasColumnAsync(db, c, table, column, ct))
                throw new StorageUnavailableException(
                    $"{where}: {table} predates its column {column} and this role may not alter it; have its owner run: {alter};");
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'user_interactions'::regclass AND contype = 'c' AND conname = 'user_interactions_type_check'";
        var ddl = Convert.ToString(await cmd.ExecuteScalarAsync(ct)) ?? "";
        if (ddl.Length > 0 && !ddl.Contains("hide", StringComparison.Ordinal))
            throw new StorageUnavailableException(
                $"{where}: user_interactions predates the 'hide' type and this role may not alter it; have its owner run: " +
                "ALTER TABLE user_interactions DROP CONSTRAINT user_interactions_type_check, ADD CONSTRAINT user_interactions_type_check CHECK (type IN ('view', 'like', 'comment', 'hide'));");
    }

    public static async Task<IReadOnlyList<string>> MissingTablesAsync(StoreConnection db, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var missing = new List<string>();
        foreach (var t in Tables)
            if (!await db.TableExistsAsync(c, t, ct)) missing.Add(t);
        return missing;
    }
}
