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
