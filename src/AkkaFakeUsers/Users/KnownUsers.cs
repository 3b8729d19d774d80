using System.Collections.Concurrent;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Users;

/// <summary>
/// Which users the journal held when this node started. A user that was not there, started on this node for the first
/// time, has nothing to recover: it skips the snapshot and replay queries (<c>Recovery.None</c>; the journal still
/// reports its highest sequence number). Creating 100k users is recovery-bound, so this roughly halves the queries per
/// new user. Should another node have created the user since (it then moved here), the highest sequence number is
/// above 0: the user stops and the next sweep starts it again with a full recovery.
/// </summary>
public sealed class KnownUsers
{
    private readonly HashSet<string>? _existing;
    private readonly ConcurrentDictionary<string, byte> _claimed = new(StringComparer.Ordinal);

    private KnownUsers(HashSet<string>? existing) => _existing = existing;

    /// <summary>Nothing known: every user recovers fully.</summary>
    public static KnownUsers Unknown { get; } = new(null);

    public int Count => _existing?.Count ?? 0;

    /// <summary>Reads the persistence ids of every user's first event (<c>sequence_number = 1</c>, an indexed column).</summary>
    public static async Task<KnownUsers> LoadAsync(TrainingStore store, CancellationToken ct = default)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (!await store.JournalExistsAsync(ct)) return new KnownUsers(set); // first start: nobody exists yet
        await using var c = await store.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id FROM journal WHERE sequence_number = 1";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) set.Add(r.GetString(0));
        return new KnownUsers(set);
    }

    /// <summary>True once per persistence id: it was not in the journal at start and has not been started here since.</summary>
    public bool TryClaimNew(string persistenceId) =>
        _existing is not null && !_existing.Contains(persistenceId) && _claimed.TryAdd(persistenceId, 0);
}
