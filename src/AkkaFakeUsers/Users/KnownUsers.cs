using System.Collections.Concurrent;

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
    private readonly Dictionary<string, long>? _existing; // persistence id -> highest sequence number at start (0: not read)
    private readonly ConcurrentDictionary<string, byte> _claimed = new(StringComparer.Ordinal);

    private KnownUsers(Dictionary<string, long>? existing) => _existing = existing;

    /// <summary>Nothing known: every user recovers fully.</summary>
    public static KnownUsers Unknown { get; } = new(null);

    public int Count => _existing?.Count ?? 0;

    /// <summary>The users a journal holds (their persistence ids), as read at start.</summary>
    public static KnownUsers From(IEnumerable<string> persistenceIds) => new(persistenceIds.ToDictionary(p => p, _ => 0L, StringComparer.Ordinal));

    /// <summary>The users a journal holds with the highest sequence number of each, as read at start (what lets them start asleep).</summary>
    public static KnownUsers From(IEnumerable<(string PersistenceId, long SequenceNr)> users) =>
        new(users.ToDictionary(u => u.PersistenceId, u => u.SequenceNr, StringComparer.Ordinal));

    /// <summary>Each known user with its highest sequence number at start (0 where it was not read).</summary>
    public IEnumerable<(string PersistenceId, long SequenceNr)> WithSequenceNrs =>
        _existing is null ? [] : _existing.Select(kv => (kv.Key, kv.Value));

    /// <summary>True once per persistence id: it was not in the journal at start and has not been started here since.</summary>
    public bool TryClaimNew(string persistenceId) =>
        _existing is not null && !_existing.ContainsKey(persistenceId) && _claimed.TryAdd(persistenceId, 0);
}
