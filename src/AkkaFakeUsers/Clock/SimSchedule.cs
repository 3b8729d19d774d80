using Akka.Actor;

namespace AkkaFakeUsers.Clock;

/// <summary>A piece of simulated work due at <see cref="Due"/>: <see cref="Message"/> for <see cref="Owner"/>, under its key.</summary>
public readonly record struct DueWork(IActorRef Owner, string Key, DateTime Due, object Message);

/// <summary>
/// Every due time of a node's simulation (posts, sessions, replies, joiners) in one sorted schedule, in simulated time:
/// no Akka timer per user. Owners set, replace and cancel their entries by key; the node's <see cref="ClockDriver"/>
/// takes what is due as the clock advances. Thread-safe: users call it from their own threads, so an entry set while a
/// user handles a message is in the schedule before the user reports that work done (the clock never passes it unseen).
/// Order of equal due times: owner name, then key; so what is released together is released in the same order every run.
/// </summary>
public sealed class SimSchedule
{
    private sealed class Entry(IActorRef owner, string key, DateTime due, object message)
    {
        public IActorRef Owner { get; } = owner;
        public string Key { get; } = key;
        public DateTime Due { get; } = due;
        public object Message { get; } = message;
        public bool Cancelled { get; set; }
    }

    private sealed class Order : IComparer<Entry>
    {
        public static readonly Order Instance = new();

        public int Compare(Entry? a, Entry? b)
        {
            var c = a!.Due.CompareTo(b!.Due);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Owner.Path.Name, b.Owner.Path.Name);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        }
    }

    private readonly PriorityQueue<Entry, Entry> _queue = new(Order.Instance);
    private readonly Dictionary<IActorRef, Dictionary<string, Entry>> _byOwner = new();
    private readonly object _lock = new();
    private int _count;

    /// <summary>Entries waiting (cancelled ones excluded).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Sets (or replaces) the owner's entry under <paramref name="key"/>.</summary>
    public void Set(IActorRef owner, string key, DateTime due, object message)
    {
        var e = new Entry(owner, key, due, message);
        lock (_lock)
        {
            if (!_byOwner.TryGetValue(owner, out var mine)) _byOwner[owner] = mine = new Dictionary<string, Entry>(2, StringComparer.Ordinal);
            if (mine.Remove(key, out var old))
            {
                old.Cancelled = true;
                _count--;
            }
            mine[key] = e;
            _queue.Enqueue(e, e);
            _count++;
        }
    }

    /// <summary>Cancels every entry of the owner (a paused or stopped user).</summary>
    public void CancelAll(IActorRef owner)
    {
        lock (_lock)
        {
            if (!_byOwner.Remove(owner, out var mine)) return;
            foreach (var e in mine.Values) e.Cancelled = true;
            _count -= mine.Count;
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
    public int TakeDue(DateTime upTo, List<DueWork> into, int max = int.MaxValue)
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
                if (_byOwner.TryGetValue(e.Owner, out var mine))
                {
                    mine.Remove(e.Key);
                    if (mine.Count == 0) _byOwner.Remove(e.Owner);
                }
                _count--;
                into.Add(new DueWork(e.Owner, e.Key, e.Due, e.Message));
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
