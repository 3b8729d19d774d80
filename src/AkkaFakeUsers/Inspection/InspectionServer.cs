using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>
/// The inspection port: TCP, one command per line, each answered with a status line
/// <c>OK &lt;bytes&gt;</c> or <c>ERR &lt;bytes&gt;</c> followed by that many bytes of UTF-8 text. When a token is
/// configured the first line must be <c>AUTH &lt;token&gt;</c>; a wrong token is refused, logged and disconnected.
/// Serves many clients at once; a client that goes away mid-reply affects nothing else.
/// </summary>
public sealed class InspectionServer : IAsyncDisposable
{
    private readonly CommandRegistry _registry;
    private readonly string _token;
    private readonly Action<string> _warn;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task? _accepting;

    /// <param name="warn">Where refusals and accept errors are logged (the node's Akka log, so `log peek` shows them).</param>
    public InspectionServer(IPAddress address, int port, string token, CommandRegistry registry, Action<string> warn)
    {
        _registry = registry;
        _token = token;
        _warn = warn;
        _listener = new TcpListener(address, port);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptLoop();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                _warn($"inspection accept failed: {ex.Message}");
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        var remote = client.Client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, new UTF8Encoding(false));
                var authenticated = _token.Length == 0;
                while (!_stop.IsCancellationRequested)
                {
                    var line = await reader.ReadLineAsync(_stop.Token);
                    if (line is null) return;
                    line = line.Trim();
                    if (line.Length == 0) continue;
                    if (!authenticated)
                    {
                        if (line.StartsWith("AUTH ", StringComparison.Ordinal) && FixedTimeEquals(line[5..].Trim(), _token))
                        {
                            authenticated = true;
                            await Reply(stream, CommandResult.Success("authenticated"));
                            continue;
                        }
                        _warn($"inspection: refused {remote}: wrong or missing token");
                        await Reply(stream, CommandResult.Error("authentication required: wrong or missing token"));
                        return;
                    }
                    if (line.StartsWith("AUTH ", StringComparison.Ordinal))
                    {
                        await Reply(stream, CommandResult.Success("authenticated"));
                        continue;
                    }
                    await Reply(stream, await ExecuteAsync(line, _stop.Token));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the client went away (or we are stopping): nothing to clean up beyond this connection
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static async Task Reply(NetworkStream stream, CommandResult result)
    {
        var body = Encoding.UTF8.GetBytes(result.Text);
        var head = Encoding.ASCII.GetBytes($"{(result.Ok ? "OK" : "ERR")} {body.Length}\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    /// <summary>Parses and runs one command line (also used in-process).</summary>
    public async Task<CommandResult> ExecuteAsync(string line, CancellationToken ct)
    {
        try
        {
            var words = CommandParser.Tokenize(line);
            if (words.Count > 0 && words[0].Equals("help", StringComparison.OrdinalIgnoreCase)) return CommandResult.Success(Help(words.Skip(1).FirstOrDefault()));
            var parsed = CommandParser.Parse(words, _registry);
            _registry.TryGet(parsed.Palette, out var handler);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            return await handler.HandleAsync(parsed, timeout.Token);
        }
        catch (CommandParseException ex)
        {
            return CommandResult.Error(ex.Describe());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return CommandResult.Error($"command failed: {ex.Message}");
        }
    }

    public string Help(string? palette = null)
    {
        var sb = new StringBuilder();
        foreach (var h in _registry.Handlers.OrderBy(h => h.Palette.Name))
        {
            if (palette is not null && !h.Palette.Name.Equals(palette, StringComparison.OrdinalIgnoreCase)) continue;
            sb.AppendLine($"{h.Palette.Name}: {h.Palette.Description}");
            foreach (var c in h.Palette.Commands)
                sb.AppendLine($"  {c.Usage(h.Palette.Name),-44} {c.Description}");
        }
        if (palette is null) sb.AppendLine("help [palette]                               this text");
        return sb.ToString().TrimEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accepting is not null) await _accepting;
    }
}
