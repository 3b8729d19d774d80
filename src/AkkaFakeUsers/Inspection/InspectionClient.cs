using System.Net.Sockets;
using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>Talks to an inspection port: sends a command line, reads the <c>OK/ERR &lt;bytes&gt;</c> reply.</summary>
public sealed class InspectionClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private InspectionClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<InspectionClient> ConnectAsync(string host, int port, string? token, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, ct);
        }
        catch (SocketException ex)
        {
            tcp.Dispose();
            throw new IOException($"cannot reach the inspection port at {host}:{port} ({ex.SocketErrorCode}): is `afu run` running there?", ex);
        }
        var client = new InspectionClient(tcp);
        if (!string.IsNullOrEmpty(token))
        {
            var auth = await client.SendAsync("AUTH " + token, ct);
            if (!auth.Ok) throw new UnauthorizedAccessException(auth.Text);
        }
        return client;
    }

    public async Task<CommandResult> SendAsync(string line, CancellationToken ct)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line.Replace('\n', ' ') + "\n"), ct);
        var head = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, ct) == 0) throw new IOException("the node closed the connection");
            if (one[0] == '\n') break;
            head.Append((char)one[0]);
        }
        var parts = head.ToString().Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[1], out var length)) throw new IOException($"unexpected reply '{head}'");
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await _stream.ReadAsync(body.AsMemory(read), ct);
            if (n == 0) throw new IOException("the node closed the connection mid-reply");
            read += n;
        }
        return new CommandResult(parts[0] == "OK", Encoding.UTF8.GetString(body));
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
