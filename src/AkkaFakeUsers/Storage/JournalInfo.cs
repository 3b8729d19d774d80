using System.Data.Common;
using System.Globalization;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Storage;

/// <summary>
/// What the rest of the system reads from Akka.Persistence.Sql's own journal table (never written here): whether it
/// exists, its highest ordering, and which users it holds. The one place that knows that table's name and columns.
/// </summary>
public sealed class JournalInfo(StoreConnection db)
{
    private const string Table = "journal";

    public async Task<bool> ExistsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await db.TableExistsAsync(c, Table, ct);
    }

    /// <summary>The highest ordering in the journal (0 when it is empty or not created yet): the projection is caught up at this offset.</summary>
    public async Task<long> MaxOrderingAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var cmd = StoreConnection.Command(c, null, $"SELECT MAX(ordering) FROM {Table}");
        try
        {
            var v = await cmd.ExecuteScalarAsync(ct);
            return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }
        catch (DbException)
        {
            if (!await db.TableExistsAsync(c, Table, ct)) return 0;
            throw;
        }
    }

    /// <summary>The users the journal holds now (<see cref="KnownUsers"/>): the persistence ids of every first event
    /// (<c>sequence_number = 1</c>, an indexed column), or with <paramref name="withSequenceNrs"/> (users that start
    /// asleep need it) each with its highest sequence number, a scan of the journal's unique index on both.</summary>
    public async Task<KnownUsers> KnownUsersAsync(bool withSequenceNrs = false, CancellationToken ct = default)
    {
        var users = new List<(string, long)>();
        if (!await ExistsAsync(ct)) return KnownUsers.From(users); // first start: nobody exists yet
        await using var c = await db.OpenAsync(ct);
        await using var cmd = StoreConnection.Command(c, null, withSequenceNrs
            ? $"SELECT persistence_id, MAX(sequence_number) FROM {Table} GROUP BY persistence_id"
            : $"SELECT persistence_id, 0 FROM {Table} WHERE sequence_number = 1");
        cmd.CommandTimeout = 600;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) users.Add((r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)));
        return KnownUsers.From(users);
    }
}
