using AkkaFakeUsers.Simulation;
using Npgsql;

namespace AkkaFakeUsers.Storage;

/// <summary>Storage could not be reached or prepared: a message that names what and where (never the password).</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Before any actor starts: create the data dir, reach the database and create the training tables.</summary>
public static class StoragePreparer
{
    public static async Task<TrainingStore> PrepareAsync(AfuSettings settings, CancellationToken ct)
    {
        var (store, where) = Target(settings);
        if (settings.Storage == StorageKind.Sqlite)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(settings.SqlitePath)!);
            }
            catch (Exception ex)
            {
                throw new StorageUnavailableException($"cannot create data dir '{settings.DataDir}': {ex.Message}", ex);
            }
        }
        await Guarded(where, "grant the role CREATE on schema public, or create the tables beforehand", async () =>
        {
            if (store.Dialect == SqlDialect.Postgres) await CheckPostgresPermissionsAsync(store, where, ct);
            await store.EnsureSchemaAsync(ct);
        });
        return store;
    }

    /// <summary>For readers (export, reports): the store a run wrote, without creating anything.</summary>
    public static async Task<TrainingStore> OpenExistingAsync(AfuSettings settings, CancellationToken ct)
    {
        var (store, where) = Target(settings);
        if (settings.Storage == StorageKind.Sqlite && !File.Exists(settings.SqlitePath))
            throw new StorageUnavailableException($"no {where}: run `afu run` first, or point --data-dir at the folder a run used");
        await Guarded(where, "grant the role SELECT on the training tables", async () =>
        {
            var missing = await store.MissingTablesAsync(ct);
            if (missing.Count > 0)
                throw new StorageUnavailableException($"{where} has no training tables ({string.Join(", ", missing)} missing): run `afu run` against it first");
        });
        return store;
    }

    /// <summary>The store the settings name, and how to name it in messages (host/port/database, never the password).</summary>
    private static (TrainingStore Store, string Where) Target(AfuSettings s) => s.Storage == StorageKind.Sqlite
        ? (new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(s.SqlitePath)), $"SQLite database {s.SqlitePath}")
        : (new TrainingStore(SqlDialect.Postgres, s.PostgresConnectionString), $"PostgreSQL {SafeTarget(s.PostgresConnectionString)}");

    /// <summary>Runs database work; any failure becomes a <see cref="StorageUnavailableException"/> that says where, and what to grant when a privilege is missing.</summary>
    private static async Task Guarded(string where, string permissionAdvice, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (StorageUnavailableException)
        {
            throw;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new StorageUnavailableException($"{where}: permission denied ({ex.MessageText}); {permissionAdvice}", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StorageUnavailableException($"cannot open {where}: {FirstLine(ex.Message)}", ex);
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>
    /// The journal, snapshot and training tables are created on first start: the role needs CREATE on the schema
    /// unless they all exist. Says which permission is missing instead of failing later inside the journal.
    /// </summary>
    private static async Task CheckPostgresPermissionsAsync(TrainingStore store, string where, CancellationToken ct)
    {
        await using var c = await store.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText =
            "SELECT current_user, current_schema(), has_schema_privilege(current_user, current_schema(), 'CREATE'), " +
            "(SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() " +
            "AND table_name IN ('journal', 'tags', 'snapshot', 'users', 'posts', 'user_interactions', 'projection_offsets'))";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var user = r.GetString(0);
        var schema = r.IsDBNull(1) ? "(none)" : r.GetString(1);
        var canCreate = !r.IsDBNull(2) && r.GetBoolean(2);
        var existing = r.GetInt64(3);
        if (!canCreate && existing < 7)
            throw new StorageUnavailableException(
                $"{where}: role '{user}' lacks the CREATE privilege on schema '{schema}' and the tables do not exist yet; " +
                $"run GRANT CREATE ON SCHEMA {schema} TO {user}; or create the tables beforehand");
    }

    /// <summary>host:port/database of a connection string, without credentials.</summary>
    public static string SafeTarget(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{b.Host}:{b.Port}/{b.Database}";
        }
        catch (Exception)
        {
            return "(unparsable connection string)";
        }
    }
}
