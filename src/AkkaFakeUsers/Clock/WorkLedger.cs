using System.Diagnostics;
using Akka.Actor;

namespace AkkaFakeUsers.Clock;

/// <summary>
/// The node's counted work not yet done, by ticket: what the clock driver released (a timer's work, with its due time)
/// and what others began (<see cref="WorkBegun"/>). A piece has strands: one to start with; a holder that reports it
/// decided (<see cref="WorkDone"/>) closes its strand and opens one for every answer it asked for that carries the
/// ticket on (a text, a slate), so the piece is done once the last decision of its chain is stored. A holder that
/// stops (<see cref="HolderStopped"/>) closes what it held; due work released to it unread goes to where its owner's
/// entries go now. Only released work not yet decided bounds a paced clock (<see cref="Frontier"/>). Owned by the <see cref="ClockDriverActor"/> alone (one thread): nobody else reads or writes it.
/// </summary>
internal sealed class WorkLedger(TimeSpan stallTimeout)
{
    private sealed class Piece(long ticket, IActorRef holder, Scheduled? release)
    {
        public long Ticket { get; } = ticket;
        public IActorRef Holder { get; set; } = holder;
        /// <summary>The due work as released (null: begun by another actor); its due time bounds a paced clock.</summary>
        public Scheduled? Release { get; } = release;
        public long Since { get; } = Stopwatch.GetTimestamp();
        public int Strands { get; set; } = 1;
        /// <summary>Its holder decided it at least once (a released timer that was read).</summary>
        public bool Read { get; set; }
    }

    private readonly Dictionary<long, Piece> _open = new();
    private readonly SortedSet<(DateTime Due, long Ticket)> _byDue = new();
    private readonly Dictionary<IActorRef, HashSet<long>> _byHolder = new();
    private readonly Dictionary<string, HashSet<long>> _byOwner = new(StringComparer.Ordinal); // released work not yet read, by owner
    private long _lastProgress = Stopwatch.GetTimestamp();

    /// <summary>Pieces of work open (each counts once however many strands it has).</summary>
    public int Pending => _open.Count;

    /// <summary>Since a piece of work was last reported (to tell a stall from slow work).</summary>
    public TimeSpan SinceProgress => Stopwatch.GetElapsedTime(_lastProgress);

    /// <summary>The driver released <paramref name="release"/> to <paramref name="target"/>.</summary>
    public void Released(Scheduled release, IActorRef target)
    {
        if (!Add(new Piece(release.Ticket, target, release))) return;
        _byDue.Add((release.Due, release.Ticket));
        if (release.Owner is { } owner)
        {
            if (!_byOwner.TryGetValue(owner, out var set)) _byOwner[owner] = set = new HashSet<long>();
            set.Add(release.Ticket);
        }
    }

    public void Begun(WorkBegun b) => Add(new Piece(b.Ticket, b.Holder, null));

    /// <summary>A strand of <paramref name="ticket"/> is decided; true when that was the last of the node's work.</summary>
    public bool Done(long ticket, int continued, IActorRef holder)
    {
        _lastProgress = Stopwatch.GetTimestamp();
        if (!_open.TryGetValue(ticket, out var p)) return false; // given up on earlier, or closed with its holder
        // a released timer once decided no longer bounds a paced clock (max-lag): what it asked for (a text, a slate) counts
        // in the backlog like any other open work, however long the LLM takes
        if (!p.Read && p.Release is { } r) Unread(p, r);
        p.Read = true;
        p.Strands += continued - 1;
        if (p.Strands <= 0) Remove(p);
        else if (!p.Holder.Equals(holder))
        {
            Unhold(p);
            p.Holder = holder;
            Hold(p);
        }
        return _open.Count == 0;
    }

    /// <summary>
    /// <paramref name="holder"/> stopped: what it held is closed, except due work released to it and never read, which
    /// <paramref name="resend"/> may hand on (it returns the new holder, or null to close it too). With
    /// <paramref name="failedOwner"/> (it stopped on a failure) the owner's unread due work released elsewhere (through
    /// the region that started it) is treated the same. True when nothing is left.
    /// </summary>
    public bool Stopped(IActorRef holder, string? failedOwner, Func<Scheduled, IActorRef?> resend)
    {
        _byHolder.Remove(holder, out var held);
        IEnumerable<long> tickets = held ?? [];
        if (failedOwner is not null && _byOwner.TryGetValue(failedOwner, out var owned)) tickets = tickets.Union(owned).ToList();
        foreach (var t in tickets)
        {
            if (!_open.TryGetValue(t, out var p)) continue;
            if (!p.Read && p.Release is { } r && resend(r) is { } next && !next.Equals(holder))
            {
                if (!p.Holder.Equals(holder)) Unhold(p);
                p.Holder = next;
                Hold(p);
                continue;
            }
            Remove(p, unhold: !p.Holder.Equals(holder));
        }
        return _open.Count == 0;
    }

    /// <summary>The due time of the earliest released work not yet done, or null; <paramref name="dropped"/>: the due
    /// times of released work given up on in this call (no progress within the stall timeout).</summary>
    public DateTime? Frontier(List<DateTime> dropped)
    {
        while (_byDue.Count > 0 && _byDue.Min is var (due, oldest) && Stopwatch.GetElapsedTime(_open[oldest].Since) > stallTimeout)
        {
            Remove(_open[oldest]);
            dropped.Add(due);
        }
        return _byDue.Count > 0 ? _byDue.Min.Due : null;
    }

    /// <summary>Gives up on every piece (a stall); returns how many there were.</summary>
    public int Clear()
    {
        var n = _open.Count;
        _open.Clear();
        _byDue.Clear();
        _byHolder.Clear();
        _byOwner.Clear();
        return n;
    }

    private bool Add(Piece p)
    {
        if (!_open.TryAdd(p.Ticket, p)) return false;
        Hold(p);
        return true;
    }

    /// <summary>Released work read (or gone): it no longer bounds a paced clock nor waits for its owner's failure.</summary>
    private void Unread(Piece p, Scheduled r)
    {
        _byDue.Remove((r.Due, p.Ticket));
        if (r.Owner is { } owner && _byOwner.TryGetValue(owner, out var set) && set.Remove(p.Ticket) && set.Count == 0) _byOwner.Remove(owner);
    }

    private void Hold(Piece p)
    {
        if (!_byHolder.TryGetValue(p.Holder, out var set)) _byHolder[p.Holder] = set = new HashSet<long>();
        set.Add(p.Ticket);
    }

    private void Unhold(Piece p)
    {
        if (_byHolder.TryGetValue(p.Holder, out var set) && set.Remove(p.Ticket) && set.Count == 0) _byHolder.Remove(p.Holder);
    }

    private void Remove(Piece p, bool unhold = true)
    {
        _open.Remove(p.Ticket);
        if (!p.Read && p.Release is { } r) Unread(p, r);
        if (unhold) Unhold(p);
    }
}
