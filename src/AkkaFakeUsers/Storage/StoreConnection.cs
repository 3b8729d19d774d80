using System.Data.Common;
using System.Globalization;
using AkkaFakeUsers.Persistence.Coalescing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AkkaFakeUsers.Storage;

public enum SqlDialect { Sqlite, Postgres }

/// <summary>
/// Where the tables live: the dialect and the connection string, how a connection is opened (with SQLite's pragmas),
/// and the small helpers every reader and writer shares (parameters, time values, does a table exist).
/// </summary>
public sealed class StoreConnection(SqlDialect dialect, string connectionString)
{
    public SqlDialect Dialect { get; } = dialect;

    public string ConnectionString { get; } = connectionString;

    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        // Journal writes and projection writes share the file: wait for the lock instead of failing (SQLITE_BUSY).
        DefaultTimeout = 60,
        Pooling = true,
    }.ToString();

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (Dialect == SqlDialect.Sqlite) return OpenSqlite(ConnectionString);
        var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync(ct);
        return c;
    }

    /// <summary>Opens a SQLite connection with the pragmas every connection of this process to the file has (<see cref="SqliteFile.Open"/>).</summary>
    public static SqliteConnection OpenSqlite(string connectionString) => SqliteFile.Open(connectionString);

    public async Task<bool> TableExistsAsync(DbConnection c, string table, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = Dialect == SqlDialect.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @t AND table_schema = current_schema()";
        AddParam(cmd, "@t", table);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>A UTC time as this dialect stores it: timestamptz on PostgreSQL, ISO 8601 text (milliseconds, Z) on SQLite.</summary>
    public object TimeValue(DateTime t)
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

    public static DbCommand Command(DbConnection c, DbTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    public static async Task ExecAsync(DbConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = Command(c, null, sql);
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
}
