namespace AkkaFakeUsers.Clock;

/// <summary>A piece of simulated work due at <see cref="Due"/>: <see cref="Message"/> for <see cref="Owner"/>, under its key, sent to <see cref="Target"/>.</summary>
public readonly record struct DueWork<TTarget>(string Owner, TTarget Target, string Key, DateTime Due, object Message);

/// <summary>
/// Every due time of a node's simulation (posts, sessions, replies, joiners) in one sorted schedule, in simulated time:
/// no Akka timer per user. Owners (by name: a user's id) set, replace and cancel their entries by key; the node's
/// clock driver (the runtime's ClockDriverActor) takes what is due as the clock advances and sends it to the owner's target. Thread-safe:
/// users call it from their own threads, so an entry set while a user handles a message is in the schedule before the
/// user reports that work done (the clock never passes it unseen).
/// An owner may fall asleep (its actor stops): its entries stay, sent from then on through a target that wakes it (the
/// shard region), and the schedule keeps the few things it needs to carry on where it stopped (its sleep record). This
/// is what lets an idle user cost a few hundred bytes instead of a live actor.
/// Order of equal due times: owner name, then key; so what is released together is released in the same order every run.
/// </summary>
/// <typeparam name="TTarget">Where due work is sent (the runtime: an actor reference).</typeparam>
public sealed class SimSchedule<TTarget> where TTarget : class
{
    private sealed class Entry(OwnerEntries owner, string key, DateTime due, object message)
    {
        public OwnerEntries Owner { get; } = owner;
        public string Key { get; } = key;
        public DateTime Due { get; } = due;
        public object Message { get; } = message;
        public bool Cancelled { get; set; }
    }

    /// <summary>One owner's entries (a handful: a user has its post and session timers and its planned replies).</summary>
    private sealed class OwnerEntries(string name, TTarget target)
    {
        public string Name { get; } = name;
        public TTarget Target { get; set; } = target;
        public List<Entry> Entries { get; } = new(2);
        public object? Asleep { get; set; }

        public int IndexOf(string key)
        {
            for (var i = 0; i < Entries.Count; i++)
                if (string.Equals(Entries[i].Key, key, StringComparison.Ordinal)) return i;
            return -1;
        }
    }

    private sealed class Order : IComparer<Entry>
    {
        public static readonly Order Instance = new();

        public int Compare(Entry? a, Entry? b)
        {
            var c = a!.Due.CompareTo(b!.Due);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Owner.Name, b.Owner.Name);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        }
    }

    private readonly PriorityQueue<Entry, Entry> _queue = new(Order.Instance);
    private readonly Dictionary<string, OwnerEntries> _byOwner = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(OwnerEntries Owner, object Record), DateTime> _wakeAhead = new();
    private readonly object _lock = new();
    private int _count, _asleep;
    private long _woken;

    /// <summary>Entries waiting (cancelled ones excluded).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Owners asleep (their actor stopped, their sleep record kept here).</summary>
    public int Asleep => Volatile.Read(ref _asleep);

    /// <summary>Owners woken from sleep since the node started.</summary>
    public long Woken => Interlocked.Read(ref _woken);

    /// <summary>Sets (or replaces) the owner's entry under <paramref name="key"/>, sent to <paramref name="target"/> when due.</summary>
    public void Set(string owner, TTarget target, string key, DateTime due, object message)
    {
        lock (_lock)
        {
            if (!_byOwner.TryGetValue(owner, out var mine)) _byOwner[owner] = mine = new OwnerEntries(owner, target);
            mine.Target = target;
            var e = new Entry(mine, key, due, message);
            var i = mine.IndexOf(key);
            if (i >= 0)
            {
                mine.Entries[i].Cancelled = true;
                mine.Entries[i] = e;
            }
            else
            {
                mine.Entries.Add(e);
                _count++;
            }
            _queue.Enqueue(e, e);
        }
    }

    /// <summary>Cancels every entry of the owner (a paused user, or one whose shard moved away) and its sleep record.</summary>
    public void CancelAll(string owner)
    {
        lock (_lock)
        {
            if (!_byOwner.Remove(owner, out var mine)) return;
            foreach (var e in mine.Entries) e.Cancelled = true;
            _count -= mine.Entries.Count;
            if (mine.Asleep is not null) _asleep--;
        }
    }

    /// <summary>
    /// The owner falls asleep: its entries stay, sent from now on to <paramref name="wakeVia"/> (which starts it again),
    /// and <paramref name="record"/> is kept until <see cref="Wake"/>. From <paramref name="wakeAt"/> on (simulated; a
    /// while before its next entry is due) <see cref="TakeWakeUps"/> names it, so it can be woken ahead of its work and
    /// its recovery does not hold that work up.
    /// </summary>
    public void Sleep(string owner, object record, TTarget wakeVia, DateTime? wakeAt = null)
    {
        lock (_lock)
        {
            if (!_byOwner.TryGetValue(owner, out var mine)) _byOwner[owner] = mine = new OwnerEntries(owner, wakeVia);
            mine.Target = wakeVia;
            if (mine.Asleep is null) _asleep++;
            mine.Asleep = record;
            if (wakeAt is { } at) _wakeAhead.Enqueue((mine, record), at);
        }
    }

    /// <summary>Owners still asleep whose wake-ahead time is at or before <paramref name="upTo"/>, with where to wake them.</summary>
    public int TakeWakeUps(DateTime upTo, List<(string Owner, TTarget Via)> into)
    {
        var taken = 0;
        lock (_lock)
        {
            while (_wakeAhead.TryPeek(out var w, out var at) && at <= upTo)
            {
                _wakeAhead.Dequeue();
                // woken (or asleep again with a newer record, which has its own wake-ahead) since: nothing to do
                if (!ReferenceEquals(w.Owner.Asleep, w.Record)) continue;
                into.Add((w.Owner.Name, w.Owner.Target));
                taken++;
            }
        }
        return taken;
    }

    /// <summary>The owner is awake again at <paramref name="target"/>: its entries go there; returns its sleep record (null: it was not asleep).</summary>
    public object? Wake(string owner, TTarget target)
    {
        lock (_lock)
        {
            if (!_byOwner.TryGetValue(owner, out var mine)) return null;
            mine.Target = target;
            var record = mine.Asleep;
            if (record is null) return null;
            mine.Asleep = null;
            _asleep--;
            _woken++;
            if (mine.Entries.Count == 0) _byOwner.Remove(owner);
            return record;
        }
    }

    /// <summary>The owner's actor stopped without a sleep record (a failed write): its entries go to <paramref name="via"/>, which starts it again when one falls due.</summary>
    public void Redirect(string owner, TTarget via)
    {
        lock (_lock)
        {
            if (_byOwner.TryGetValue(owner, out var mine)) mine.Target = via;
        }
    }

    /// <summary>Rewrites the sleep record of an owner asleep here (and drops its entries if asked); false when it is not asleep here.</summary>
    public bool RewriteAsleep(string owner, Func<object, object> rewrite, bool dropEntries)
    {
        lock (_lock)
        {
            if (!_byOwner.TryGetValue(owner, out var mine) || mine.Asleep is null) return false;
            mine.Asleep = rewrite(mine.Asleep);
            if (!dropEntries) return true;
            foreach (var e in mine.Entries) e.Cancelled = true;
            _count -= mine.Entries.Count;
            mine.Entries.Clear();
            return true;
        }
    }

    /// <summary>The owner is asleep here (its sleep record is kept).</summary>
    public bool IsAsleep(string owner)
    {
        lock (_lock)
        {
            return _byOwner.TryGetValue(owner, out var mine) && mine.Asleep is not null;
        }
    }

    /// <summary>Where the owner's entries go now (its actor, or while it is asleep the region that wakes it), or null when it has none here.</summary>
    public TTarget? TargetOf(string owner)
    {
        lock (_lock)
        {
            return _byOwner.TryGetValue(owner, out var mine) ? mine.Target : null;
        }
    }

    /// <summary>The earliest due time waiting, or null.</summary>
    public DateTime? NextDue
    {
        get
        {
            lock (_lock)
            {
                DropCancelledHead();
                return _queue.TryPeek(out var e, out _) ? e.Due : null;
            }
        }
    }

    /// <summary>
    /// Takes the entries due at or before <paramref name="upTo"/>, earliest first, at most <paramref name="max"/> (and then
    /// every further one due at the same instant as the last taken, so a cut never depends on arrival order).
    /// </summary>
    public int TakeDue(DateTime upTo, List<DueWork<TTarget>> into, int max = int.MaxValue)
    {
        var taken = 0;
        lock (_lock)
        {
            while (true)
            {
                DropCancelledHead();
                if (!_queue.TryPeek(out var e, out _) || e.Due > upTo) break;
                if (taken >= max && e.Due != into[^1].Due) break;
                _queue.Dequeue();
                var mine = e.Owner;
                mine.Entries.Remove(e);
                if (mine.Entries.Count == 0 && mine.Asleep is null) _byOwner.Remove(mine.Name);
                _count--;
                into.Add(new DueWork<TTarget>(mine.Name, mine.Target, e.Key, e.Due, e.Message));
                taken++;
            }
        }
        return taken;
    }

    private void DropCancelledHead()
    {
        while (_queue.TryPeek(out var e, out _) && e.Cancelled) _queue.Dequeue();
    }
}
