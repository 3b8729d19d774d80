// Part of a fork of Akka.Persistence.Sql 1.5.73 internals: every plugin type and member used here is listed in this
// project's README.md, which ForkedPluginSurfaceTests (tests/AkkaFakeUsers.Tests/Storage) holds to the compiled code.
using Akka.Persistence.Sql.Config;
using Npgsql;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>
/// Answers the journal's "highest sequence number of this persistence id" for many ids with one query per batch.
/// <para>
/// Every persistent actor asks it as it starts, even one that replays nothing (<c>Recovery.None</c>, as a user new to
/// the journal does). The plugin runs one linq2db query per id; creating a million users made a million of them, and
/// profiled on SQLite they took 17% of the process's busy thread time (plus the finalizer's work behind them). Here the
/// ids asked while a read is in flight wait and go together: <c>SELECT persistence_id, MAX(sequence_number) … WHERE
/// persistence_id IN (…) GROUP BY persistence_id</c>, at most <see cref="MaxIds"/> at a time. The answer is the
/// plugin's: the highest sequence number stored (deleted rows included, as the plugin counts them) above the asked
/// <c>fromSequenceNr</c>, else 0. Only the plugin's native mode (no metadata table to consult); see <see cref="For"/>.
/// </para>
/// </summary>
public sealed class HighestSequenceNrReader
{
    public const int MaxIds = 500;

    private readonly string _connectionString;
    private readonly bool _postgres;
    private readonly string _table, _pidColumn, _seqColumn;
    private readonly object _gate = new();
    private List<(string PersistenceId, long From, TaskCompletionSource<long> Done)> _waiting = new();
    private bool _reading;

    /// <summary>Batches read so far (for tests and benchmarks).</summary>
    public long Batches { get; private set; }

    private HighestSequenceNrReader(JournalConfig config, bool postgres)
    {
        _connectionString = config.ConnectionString;
        _postgres = postgres;
        _table = JournalTable.Name(config);
        _pidColumn = JournalTable.Quote(config.TableConfig.EventJournalTable.ColumnNames.PersistenceId);
        _seqColumn = JournalTable.Quote(config.TableConfig.EventJournalTable.ColumnNames.SequenceNumber);
    }

    /// <summary>A reader for this journal's database, or null where the plugin's own query must answer (other databases, <c>delete-compatibility-mode</c>: its metadata table counts too).</summary>
    public static HighestSequenceNrReader? For(JournalConfig config) =>
        !config.DaoConfig.SqlCommonCompatibilityMode && JournalTable.IsPostgres(config) is { } postgres ? new HighestSequenceNrReader(config, postgres) : null;

    public Task<long> ReadAsync(string persistenceId, long fromSequenceNr, CancellationToken ct)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _waiting.Add((persistenceId, fromSequenceNr, done));
            start = !_reading;
            _reading = true;
        }
        if (start) _ = Task.Run(() => DrainAsync(ct), CancellationToken.None);
        return done.Task;
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        while (true)
        {
            List<(string PersistenceId, long From, TaskCompletionSource<long> Done)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _reading = false;
                    return;
                }
                if (_waiting.Count <= MaxIds)
                {
                    batch = _waiting;
                    _waiting = new();
                }
                else
                {
                    batch = _waiting.GetRange(0, MaxIds);
                    _waiting.RemoveRange(0, MaxIds);
                }
            }
            try
            {
                var ids = batch.Select(b => b.PersistenceId).Distinct(StringComparer.Ordinal).ToArray();
                var highest = _postgres ? await ReadPostgresAsync(ids, ct) : ReadSqlite(ids);
                Batches++;
                foreach (var (pid, from, done) in batch)
                    done.TrySetResult(highest.TryGetValue(pid, out var max) && max > from ? max : 0);
            }
            catch (Exception e)
            {
                foreach (var b in batch) b.Done.TrySetException(e);
            }
        }
    }

    private Dictionary<string, long> ReadSqlite(string[] ids)
    {
        using var c = SqliteFile.Open(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {_pidColumn}, MAX({_seqColumn}) FROM {_table} WHERE {_pidColumn} IN ({string.Join(", ", ids.Select((_, i) => "$p" + i))}) GROUP BY {_pidColumn}";
        for (var i = 0; i < ids.Length; i++) cmd.Parameters.AddWithValue("$p" + i, ids[i]);
        return Read(cmd.ExecuteReader(), ids.Length);
    }

    private async Task<Dictionary<string, long>> ReadPostgresAsync(string[] ids, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(_connectionString);
        await c.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT {_pidColumn}, MAX({_seqColumn}) FROM {_table} WHERE {_pidColumn} = ANY($1) GROUP BY {_pidColumn}", c);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        return Read(await cmd.ExecuteReaderAsync(ct), ids.Length);
    }

    private static Dictionary<string, long> Read(System.Data.Common.DbDataReader r, int capacity)
    {
        using (r)
        {
            var highest = new Dictionary<string, long>(capacity, StringComparer.Ordinal);
            while (r.Read()) highest[r.GetString(0)] = r.GetInt64(1);
            return highest;
        }
    }
}
