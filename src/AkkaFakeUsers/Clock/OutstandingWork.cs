using System.Diagnostics;

namespace AkkaFakeUsers.Clock;

/// <summary>
/// A paced clock's released work not yet reported done, by ticket: the earliest one's due time bounds how far the clock
/// may run on (afu.clock.max-lag). Work never reported done (its owner stopped with it in its mailbox: retired, handed
/// off to another node) is dropped after the stall timeout. Used by the <see cref="ClockDriverActor"/> only (one thread).
/// </summary>
internal sealed class OutstandingWork(WorkCounter work, TimeSpan stallTimeout)
{
    private readonly SortedSet<(DateTime Due, long Ticket)> _byDue = new();
    private readonly Dictionary<long, (DateTime Due, long Released)> _tickets = new();
    private long _last;

    /// <summary>Counts released work due at <paramref name="due"/> and returns its ticket.</summary>
    public long Add(DateTime due)
    {
        var ticket = ++_last;
        _byDue.Add((due, ticket));
        _tickets[ticket] = (due, Stopwatch.GetTimestamp());
        work.Begin();
        return ticket;
    }

    /// <summary>The due time of the earliest released work not yet done, or null; <paramref name="dropped"/>: the due
    /// times of work given up on in this call.</summary>
    public DateTime? Frontier(List<DateTime> dropped)
    {
        while (work.TryTakeDone(out var ticket))
            if (_tickets.Remove(ticket, out var t)) _byDue.Remove((t.Due, ticket));
        while (_byDue.Count > 0 && _byDue.Min is var (due, oldest) && Stopwatch.GetElapsedTime(_tickets[oldest].Released) > stallTimeout)
        {
            _byDue.Remove((due, oldest));
            _tickets.Remove(oldest);
            work.ForgetOne();
            dropped.Add(due);
        }
        return _byDue.Count > 0 ? _byDue.Min.Due : null;
    }

    public void Clear()
    {
        _byDue.Clear();
        _tickets.Clear();
    }
}
