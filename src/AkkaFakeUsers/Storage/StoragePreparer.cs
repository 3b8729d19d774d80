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
        await Guarded(where, "grant the role CREATE on schema public, or create the tables beforehand with deploy/sql/schema.postgres.sql and its grants", async () =>
        {
            if (store.Dialect == SqlDialect.Postgres && !await MayCreateTablesAsync(store, where, ct))
            {
                // every table exists and the role may use them: create nothing, and neither may the journal plugin
                store.CreatesTables = false;
                return;
            }
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

    /// <summary>Every table a PostgreSQL node uses in the modes it runs (the journal's Csv tag mode has no <c>tags</c> table).</summary>
    public static IReadOnlyList<string> PostgresTables { get; } = [.. JournalSchema.Tables, .. TrainingSchema.Tables, "projection_offsets"];

    /// <summary>What each table needs beyond SELECT and INSERT.</summary>
    private static string Privileges(string table) => table switch
    {
        "snapshot" => "SELECT,INSERT,UPDATE,DELETE", // the newest two snapshots are kept
        "projection_offsets" => "SELECT,INSERT,UPDATE",
        _ => "SELECT,INSERT",
    };

    /// <returns>
    /// true when the role may create tables (the node creates what is missing, as on first start); false when it may
    /// not but every table exists with the privileges the node needs (it then creates nothing). Otherwise it says
    /// exactly which tables are missing or which privileges lack, and how to fix it, before anything starts.
    /// </returns>
    private static async Task<bool> MayCreateTablesAsync(TrainingStore store, string where, CancellationToken ct)
    {
        await using var c = await store.OpenAsync(ct);
        string user, schema;
        bool canCreate;
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT current_user, current_schema(), has_schema_privilege(current_user, current_schema(), 'CREATE')";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            user = r.GetString(0);
            schema = r.IsDBNull(1) ? "(none)" : r.GetString(1);
            canCreate = !r.IsDBNull(2) && r.GetBoolean(2);
        }
        if (canCreate) return true;

        var missing = new List<string>();
        var lacking = new List<string>();
        foreach (var table in PostgresTables)
        {
            if (!await store.Db.TableExistsAsync(c, table, ct))
            {
                missing.Add(table);
                continue;
            }
            // one privilege per call: has_table_privilege with a list is true when any one of them is held
            var without = new List<string>();
            foreach (var privilege in Privileges(table).Split(','))
            {
                await using var cmd = c.CreateCommand();
                cmd.CommandText = $"SELECT has_table_privilege(current_user, '{table}', '{privilege}')";
                if (!(bool)(await cmd.ExecuteScalarAsync(ct))!) without.Add(privilege);
            }
            if (without.Count > 0) lacking.Add($"{string.Join(", ", without)} on {table}");
        }
        if (missing.Count > 0)
            throw new StorageUnavailableException(
                $"{where}: role '{user}' lacks the CREATE privilege on schema '{schema}' and these tables do not exist: {string.Join(", ", missing)}; " +
                $"have an administrator run deploy/sql/schema.postgres.sql (it lists the grants), or GRANT CREATE ON SCHEMA {schema} TO {user};");
        if (lacking.Count > 0)
            throw new StorageUnavailableException(
                $"{where}: role '{user}' may not create tables and lacks {string.Join("; ", lacking)}; " +
                $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {user};");
        await TrainingSchema.RequireCurrentAsync(store.Db, c, where, ct);
        return false;
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
