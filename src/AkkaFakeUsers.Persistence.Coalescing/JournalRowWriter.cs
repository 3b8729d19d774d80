// Part of a fork of Akka.Persistence.Sql 1.5.73 internals: every plugin type and member used here is listed in this
// project's README.md, which ForkedPluginSurfaceTests (tests/AkkaFakeUsers.Tests/Storage) holds to the compiled code.
using System.Data;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Journal.Types;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>
/// Inserts a batch of journal rows (serialized by Akka.Persistence.Sql's own <c>ByteArrayJournalSerializer</c>, so the
/// plugin reads them back unchanged) in one transaction, with the cheapest statement each database has:
/// <list type="bullet">
/// <item>SQLite: one prepared single-row INSERT, bound and stepped once per row. The plugin's multi-row INSERT
/// spells every value as a literal (hex blobs included) that SQLite parses again for each batch, and with parameters
/// instead Microsoft.Data.Sqlite looks each of the thousands of names up one by one.</item>
/// <item>PostgreSQL: one binary <c>COPY … FROM STDIN</c>.</item>
/// </list>
/// Only for the layout this project configures (tags as CSV in the row, no event-manifest column); anything else is
/// left to the plugin's own write path (<see cref="For"/> returns null).
/// </summary>
public sealed class JournalRowWriter
{
    private readonly string _connectionString;
    private readonly bool _postgres;
    private readonly IsolationLevel _isolation;
    private readonly bool _writerUuid;
    private readonly int _columnCount;
    private readonly string _insertSql;
    private readonly string _copySql;

    private JournalRowWriter(JournalConfig config, bool postgres)
    {
        _connectionString = config.ConnectionString;
        _postgres = postgres;
        _isolation = config.WriteIsolationLevel;
        var table = config.TableConfig.EventJournalTable;
        var n = table.ColumnNames;
        _writerUuid = table.UseWriterUuidColumn;
        var name = JournalTable.Name(config);
        string[] columns = _writerUuid
            ? [n.Created, n.Deleted, n.PersistenceId, n.SequenceNumber, n.Message, n.Tags, n.Manifest, n.Identifier, n.WriterUuid]
            : [n.Created, n.Deleted, n.PersistenceId, n.SequenceNumber, n.Message, n.Tags, n.Manifest, n.Identifier];
        _columnCount = columns.Length;
        var list = string.Join(", ", columns.Select(JournalTable.Quote));
        _insertSql = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        _copySql = $"COPY {name} ({list}) FROM STDIN (FORMAT BINARY)";
    }

    /// <summary>A writer for this journal's database and table layout, or null where the plugin's own path must write.</summary>
    public static JournalRowWriter? For(JournalConfig config)
    {
        if (config.PluginConfig.TagMode != TagMode.Csv || config.TableConfig.UseEventManifestColumn) return null;
        return JournalTable.IsPostgres(config) is { } postgres ? new JournalRowWriter(config, postgres) : null;
    }

    /// <summary>All rows in one transaction: either every row is stored or none is.</summary>
    public Task WriteAsync(IReadOnlyList<JournalRow> rows, CancellationToken ct) =>
        rows.Count == 0 ? Task.CompletedTask : _postgres ? CopyAsync(rows, ct) : SqliteWriteGate.RunAsync(_connectionString, () => InsertSqlite(rows), ct);

    private void InsertSqlite(IReadOnlyList<JournalRow> rows)
    {
        using var c = SqliteFile.Open(_connectionString);
        // IMMEDIATE: the write lock is taken at BEGIN, so the transaction never has to upgrade a read lock.
        using var tx = c.BeginTransaction(deferred: false);
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = _insertSql;
        var p = new SqliteParameter[_columnCount];
        for (var i = 0; i < p.Length; i++) p[i] = cmd.Parameters.Add(new SqliteParameter("$p" + i, null));
        cmd.Prepare();
        foreach (var row in rows)
        {
            p[0].Value = row.Timestamp;
            p[1].Value = row.Deleted;
            p[2].Value = row.PersistenceId;
            p[3].Value = row.SequenceNumber;
            p[4].Value = row.Message;
            p[5].Value = (object?)row.Tags ?? DBNull.Value;
            p[6].Value = (object?)row.Manifest ?? DBNull.Value;
            p[7].Value = (object?)row.Identifier ?? DBNull.Value;
            if (_writerUuid) p[8].Value = (object?)row.WriterUuid ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private async Task CopyAsync(IReadOnlyList<JournalRow> rows, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(_connectionString);
        await c.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(_isolation == IsolationLevel.Unspecified ? IsolationLevel.ReadCommitted : _isolation, ct);
        await using (var copy = await c.BeginBinaryImportAsync(_copySql, ct))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.Timestamp, ct);
                await copy.WriteAsync(row.Deleted, ct);
                await copy.WriteAsync(row.PersistenceId, ct);
                await copy.WriteAsync(row.SequenceNumber, ct);
                await copy.WriteAsync(row.Message, ct);
                await WriteNullable(copy, row.Tags, ct);
                await WriteNullable(copy, row.Manifest, ct);
                if (row.Identifier is { } id) await copy.WriteAsync(id, ct); else await copy.WriteNullAsync(ct);
                if (_writerUuid) await WriteNullable(copy, row.WriterUuid, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static Task WriteNullable(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, ct);
}
