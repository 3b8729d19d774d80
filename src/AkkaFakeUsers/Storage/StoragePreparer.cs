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
        TrainingStore store;
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
            store = new TrainingStore(SqlDialect.Sqlite, TrainingStore.SqliteConnectionString(settings.SqlitePath));
        }
        else
        {
            store = new TrainingStore(SqlDialect.Postgres, settings.PostgresConnectionString);
        }

        try
        {
            await store.EnsureSchemaAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var where = settings.Storage == StorageKind.Sqlite ? $"SQLite database {settings.SqlitePath}" : $"PostgreSQL {SafeTarget(settings.PostgresConnectionString)}";
            throw new StorageUnavailableException($"cannot open {where}: {ex.Message}", ex);
        }
        return store;
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
