using System.Data.Common;
using System.Globalization;

namespace AkkaFakeUsers.Storage;

public sealed record TableCounts(long Users, long Posts, long Views, long Likes, long Comments, long Follows = 0, long Hides = 0, long Slates = 0, long Impressions = 0);

/// <summary>
/// The training tables of one database, put together from the parts that each do one job: the connection
/// (<see cref="StoreConnection"/>), the schema (<see cref="TrainingSchema"/>), the event-to-row mapping
/// (<see cref="EventRows"/>), the dialect's writer (<see cref="ITrainingWriter"/>) and what is read of Akka's journal
/// (<see cref="JournalInfo"/>). Rows and offset commit in one transaction: each event lands exactly once.
/// </summary>
public sealed class TrainingStore
{
    public const string DefaultProjection = "training-tables";

    private readonly ITrainingWriter _writer;

    public TrainingStore(SqlDialect dialect, string connectionString)
    {
        Db = new StoreConnection(dialect, connectionString);
        _writer = TrainingWriters.For(Db);
        Journal = new JournalInfo(Db);
    }

    public StoreConnection Db { get; }

    /// <summary>
    /// false when the tables were created beforehand for a role that may not create any: the node then creates
    /// nothing (the journal plugin's auto-initialize is off too). Set by <see cref="StoragePreparer"/>.
    /// </summary>
    public bool CreatesTables { get; set; } = true;

    public JournalInfo Journal { get; }

    public SqlDialect Dialect => Db.Dialect;

    public Task<DbConnection> OpenAsync(CancellationToken ct = default) => Db.OpenAsync(ct);

    public Task EnsureSchemaAsync(CancellationToken ct = default) => TrainingSchema.EnsureAsync(Db, ct);

    public Task<IReadOnlyList<string>> MissingTablesAsync(CancellationToken ct = default) => TrainingSchema.MissingTablesAsync(Db, ct);

    public Task WriteAsync(IReadOnlyList<JournalEvent> batch, string projection = DefaultProjection, CancellationToken ct = default) =>
        _writer.WriteAsync(batch, projection, ct);

    public async Task<long> ReadOffsetAsync(string projection = DefaultProjection, CancellationToken ct = default)
    {
        await using var c = await Db.OpenAsync(ct);
        await using var cmd = StoreConnection.Command(c, null, "SELECT ordering FROM projection_offsets WHERE name = @name");
        StoreConnection.AddParam(cmd, "@name", projection);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
    }

    /// <summary>The simulated instant of the newest post in the tables, or null (none yet).</summary>
    public async Task<DateTime?> NewestPostAtAsync(CancellationToken ct = default)
    {
        await using var c = await Db.OpenAsync(ct);
        await using var cmd = StoreConnection.Command(c, null, "SELECT MAX(created_at) FROM posts");
        return await cmd.ExecuteScalarAsync(ct) switch
        {
            null or DBNull => null,
            DateTime d => DateTime.SpecifyKind(d.ToUniversalTime(), DateTimeKind.Utc),
            DateTimeOffset o => o.UtcDateTime,
            var v => DateTime.Parse(Convert.ToString(v, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        };
    }

    public async Task<TableCounts> CountsAsync(CancellationToken ct = default)
    {
        await using var c = await Db.OpenAsync(ct);
        async Task<long> Count(string sql)
        {
            await using var cmd = StoreConnection.Command(c, null, sql);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        return new TableCounts(
            await Count("SELECT COUNT(*) FROM users"),
            await Count("SELECT COUNT(*) FROM posts"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'view'"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'like'"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment'"),
            await Count("SELECT COUNT(*) FROM follows"),
            await Count("SELECT COUNT(*) FROM user_interactions WHERE type = 'hide'"),
            await Count("SELECT COUNT(DISTINCT slate_id) FROM impressions"),
            await Count("SELECT COUNT(*) FROM impressions"));
    }
}
