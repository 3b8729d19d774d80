using System.Data.Common;
using AkkaFakeUsers.Persistence.Coalescing;
using AkkaFakeUsers.Users;
using Npgsql;

namespace AkkaFakeUsers.Storage;

/// <summary>One journal event with its global ordering (the projection offset).</summary>
public sealed record JournalEvent(long Ordering, IUserEvent Event);

/// <summary>
/// Writes the rows of a batch (<see cref="EventRows"/>) and advances the projection's offset to the batch's last
/// ordering, in one transaction. Idempotent (<c>ON CONFLICT DO NOTHING</c>, the offset never moves back): each event
/// lands exactly once however often a batch is written.
/// </summary>
public interface ITrainingWriter
{
    Task WriteAsync(IReadOnlyList<JournalEvent> batch, string projection, CancellationToken ct = default);
}

public static class TrainingWriters
{
    public static ITrainingWriter For(StoreConnection db) =>
        db.Dialect == SqlDialect.Sqlite ? new SqliteTrainingWriter(db) : new PostgresTrainingWriter(db);

    internal static (string Name, object Value)[] OffsetArgs(StoreConnection db, string projection, long ordering) =>
        [("@name", projection), ("@ordering", ordering), ("@now", db.TimeValue(DateTime.UtcNow))];
}

/// <summary>
/// SQLite (in-process): one prepared INSERT per table, run row by row. Microsoft.Data.Sqlite's calls block, so a pool
/// thread writes, taking turns with the journal (<see cref="SqliteWriteGate"/>), and the caller (the projection's stream)
/// goes on reading the journal meanwhile.
/// </summary>
public sealed class SqliteTrainingWriter(StoreConnection db) : ITrainingWriter
{
    private const string OffsetSql =
        "INSERT INTO projection_offsets (name, ordering, updated_at) VALUES (@name, @ordering, @now) ON CONFLICT (name) DO UPDATE SET ordering = MAX(projection_offsets.ordering, excluded.ordering), updated_at = excluded.updated_at";

    public Task WriteAsync(IReadOnlyList<JournalEvent> batch, string projection, CancellationToken ct = default) =>
        batch.Count == 0 ? Task.CompletedTask : SqliteWriteGate.RunAsync(db.ConnectionString, () => Write(batch, projection), ct);

    private void Write(IReadOnlyList<JournalEvent> batch, string projection)
    {
        using var c = StoreConnection.OpenSqlite(db.ConnectionString);
        using var tx = c.BeginTransaction();
        var commands = new Dictionary<TableShape, DbCommand>();
        try
        {
            foreach (var je in batch)
            foreach (var row in EventRows.For(je.Event))
            {
                var table = row.Table;
                if (!commands.TryGetValue(table, out var cmd))
                {
                    commands[table] = cmd = StoreConnection.Command(c, tx, table.InsertOneSql);
                    foreach (var col in table.Columns) StoreConnection.AddParam(cmd, "@" + col.Name, DBNull.Value);
                }
                for (var i = 0; i < row.Values.Length; i++)
                    cmd.Parameters[i].Value = row.Values[i] switch
                    {
                        null => DBNull.Value,
                        DateTime t => db.TimeValue(t),
                        bool b => b ? 1 : 0,
                        var v => v,
                    };
                cmd.ExecuteNonQuery();
            }
            using var offset = StoreConnection.Command(c, tx, OffsetSql);
            foreach (var (n, v) in TrainingWriters.OffsetArgs(db, projection, batch[^1].Ordering)) StoreConnection.AddParam(offset, n, v);
            offset.ExecuteNonQuery();
        }
        finally
        {
            foreach (var cmd in commands.Values) cmd.Dispose();
        }
        tx.Commit();
    }
}

/// <summary>PostgreSQL: each table's rows of a batch in one INSERT … SELECT FROM unnest(arrays), the whole batch and the offset in one round trip.</summary>
public sealed class PostgresTrainingWriter(StoreConnection db) : ITrainingWriter
{
    private const string OffsetSql =
        "INSERT INTO projection_offsets (name, ordering, updated_at) VALUES (@name, @ordering, @now) ON CONFLICT (name) DO UPDATE SET ordering = GREATEST(projection_offsets.ordering, excluded.ordering), updated_at = excluded.updated_at";

    public async Task WriteAsync(IReadOnlyList<JournalEvent> batch, string projection, CancellationToken ct = default)
    {
        if (batch.Count == 0) return;
        var byTable = new Dictionary<TableShape, List<object?[]>>();
        foreach (var je in batch)
        foreach (var row in EventRows.For(je.Event))
        {
            if (!byTable.TryGetValue(row.Table, out var list)) byTable[row.Table] = list = new List<object?[]>();
            list.Add(row.Values);
        }
        await using var c = (NpgsqlConnection)await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var b = new NpgsqlBatch(c, tx);
        foreach (var (table, rows) in byTable)
        {
            var cmd = new NpgsqlBatchCommand(table.InsertArraysSql);
            for (var i = 0; i < table.Columns.Length; i++)
            {
                var (name, kind) = table.Columns[i];
                object column = kind == ColumnKind.Time
                    ? rows.Select(r => (DateTime)db.TimeValue((DateTime)r[i]!)).ToArray()
                    : rows.Select(r => Text(r[i])).ToArray();
                cmd.Parameters.Add(new NpgsqlParameter("@" + name, column));
            }
            b.BatchCommands.Add(cmd);
        }
        var offset = new NpgsqlBatchCommand(OffsetSql);
        foreach (var (n, v) in TrainingWriters.OffsetArgs(db, projection, batch[^1].Ordering)) offset.Parameters.Add(new NpgsqlParameter(n, v));
        b.BatchCommands.Add(offset);
        await b.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Every non-time value travels as text and is cast by the INSERT (<see cref="TableShape.InsertArraysSql"/>).</summary>
    private static string? Text(object? v) => v switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
