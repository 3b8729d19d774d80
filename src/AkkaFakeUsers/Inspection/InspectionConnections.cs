using System.Net;
using System.Net.Sockets;

namespace AkkaFakeUsers.Inspection;

/// <summary>One open inspection connection, as the server's admission sees it.</summary>
internal sealed class InspectionConnection(TcpClient client, IPAddress address, CancellationTokenSource closed)
{
    public TcpClient Client { get; } = client;
    public IPAddress Address { get; } = address;
    public CancellationTokenSource Closed { get; } = closed;
    public DateTime LastActivity { get; set; } = DateTime.UtcNow;
    /// <summary>Waiting for the client (not running a command): may be displaced when the house is full.</summary>
    public volatile bool Evictable = true;
    public volatile bool Penalised;

    public void Close()
    {
        try
        {
            Closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        Client.Dispose();
    }
}

/// <summary>Wrong tokens from one address within the lock-out window.</summary>
internal sealed class TokenFailures
{
    private readonly Queue<DateTime> _times = new();
    private DateTime _lockedUntil = DateTime.MinValue;

    public DateTime? LockedUntil(DateTime now)
    {
        lock (_times) return _lockedUntil > now ? _lockedUntil : null;
    }

    /// <returns>true when this failure locked the address out.</returns>
    public bool Add(DateTime now, int limit, TimeSpan window)
    {
        lock (_times)
        {
            _times.Enqueue(now);
            while (_times.Count > 0 && _times.Peek() < now - window) _times.Dequeue();
            if (_times.Count < limit || _lockedUntil > now) return false;
            _lockedUntil = now + window;
            _times.Clear();
            return true;
        }
    }
}
