// Part of a fork of Akka.Persistence.Sql 1.5.73 internals: every plugin type and member used here is listed in this
// project's README.md, which ForkedPluginSurfaceTests (tests/AkkaFakeUsers.Tests/Storage) holds to the compiled code.
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>
/// The Akka.Persistence.Sql snapshot store on SQLite, its writes taking turns with the journal's and the projection's
/// at the file (<see cref="SqliteWriteGate"/>) on a pool thread. Without it a snapshot write found the file locked by a
/// journal batch, Microsoft.Data.Sqlite slept 150 ms before trying again, and (its "async" calls being synchronous) the
/// snapshot store's actor slept with it: every snapshot load queued behind. Measured with 200 sleeping users (their
/// recoveries load a snapshot each): a wake took 124 ms on average before, 36 ms with snapshots off.
/// </summary>
public sealed class GatedSqliteSnapshotStore(Akka.Configuration.Config config) : SqlSnapshotStore(config)
{
    private readonly string _connectionString = config.GetString("connection-string", "");

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken ct) =>
        SqliteWriteGate.RunAsync(_connectionString, () => base.SaveAsync(metadata, snapshot, ct).GetAwaiter().GetResult(), ct);

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken ct) =>
        SqliteWriteGate.RunAsync(_connectionString, () => base.DeleteAsync(metadata, ct).GetAwaiter().GetResult(), ct);

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken ct) =>
        SqliteWriteGate.RunAsync(_connectionString, () => base.DeleteAsync(persistenceId, criteria, ct).GetAwaiter().GetResult(), ct);
}
