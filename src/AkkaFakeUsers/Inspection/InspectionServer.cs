using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>
/// The inspection port: TCP, one command per line, each answered with a status line
/// <c>OK &lt;bytes&gt;</c> or <c>ERR &lt;bytes&gt;</c> followed by that many bytes of UTF-8 text. When a token is
/// configured the first line must be <c>AUTH &lt;token&gt;</c>; a wrong token is refused after a delay, logged and
/// disconnected, and an address that keeps guessing is locked out for a while. Hostile clients cost bounded memory
/// and slots (<see cref="InspectionLimits"/>): long lines, idle connections and floods of connections are cut off
/// while a legitimate client is still served at once.
/// </summary>
public sealed class InspectionServer : IAsyncDisposable
{
    private readonly CommandRegistry _registry;
    private readonly TokenGuard _token;
    private readonly Action<string> _warn;
    private readonly InspectionLimits _limits;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<InspectionConnection, byte> _open = new();
    private readonly object _admission = new();
    private Task? _accepting;

    /// <param name="warn">Where refusals and accept errors are logged (the node's Akka log, so `log peek` shows them).</param>
    public InspectionServer(IPAddress address, int port, string token, CommandRegistry registry, Action<string> warn, InspectionLimits? limits = null)
    {
        _registry = registry;
        _warn = warn;
        _limits = limits ?? InspectionLimits.Default;
        _token = new TokenGuard(token, _limits.LockoutAfter, _limits.Lockout);
        _listener = new TcpListener(address, port);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Connections open now (for tests and status).</summary>
    public int OpenConnections => _open.Count;

    public void Start()
    {
        _listener.Start(backlog: 512);
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
            _ = Task.Run(() => Admit(client));
        }
    }

    /// <summary>A slot for a new client: locked-out addresses are refused, a full house displaces its longest-idle guest.</summary>
    private async Task Admit(TcpClient client)
    {
        var address = (client.Client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        string? refusal = null;
        InspectionConnection? connection = null;
        if (_token.LockedUntil(address, DateTime.UtcNow) is { } until)
            refusal = $"locked out after {_limits.LockoutAfter} wrong tokens; try again after {until:HH:mm:ss} UTC";
        else
        {
            lock (_admission)
            {
                if (_open.Count >= _limits.MaxConnections)
                {
                    // wrong-token connections waiting out their delay go first, then whoever has been idle longest
                    var victim = _open.Keys.Where(c => c.Evictable).OrderByDescending(c => c.Penalised).ThenBy(c => c.LastActivity).FirstOrDefault();
                    if (victim is not null && _open.TryRemove(victim, out _)) victim.Close();
                }
                if (_open.Count < _limits.MaxConnections)
                {
                    connection = new InspectionConnection(client, address, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
                    _open[connection] = 0;
                }
                else refusal = $"too many connections ({_limits.MaxConnections} busy); try again";
            }
        }
        if (connection is null)
        {
            using (client)
            {
                try
                {
                    using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    await Reply(client.GetStream(), CommandResult.Error(refusal!), quick.Token);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                {
                }
            }
            return;
        }
        try
        {
            await Serve(connection);
        }
        finally
        {
            _open.TryRemove(connection, out _);
            connection.Close();
        }
    }

    private async Task Serve(InspectionConnection c)
    {
        var remote = c.Client.Client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            var stream = c.Client.GetStream();
            var reader = new BoundedLineReader(stream, _limits.MaxLineBytes);
            var authenticated = !_token.Required;
            while (!c.Closed.IsCancellationRequested)
            {
                string? line;
                c.Evictable = true;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(c.Closed.Token))
                {
                    idle.CancelAfter(_limits.IdleTimeout);
                    try
                    {
                        line = await reader.ReadLineAsync(idle.Token);
                    }
                    catch (OperationCanceledException) when (!c.Closed.IsCancellationRequested)
                    {
                        await Reply(stream, CommandResult.Error($"idle for {_limits.IdleTimeout.TotalSeconds:0} s: closing"), c.Closed.Token);
                        return;
                    }
                    catch (LineTooLongException)
                    {
                        _warn($"inspection: closed {remote}: a line longer than {_limits.MaxLineBytes} bytes");
                        await Reply(stream, CommandResult.Error($"line longer than {_limits.MaxLineBytes} bytes: closing"), c.Closed.Token);
                        return;
                    }
                }
                if (line is null) return;
                c.Evictable = false;
                c.LastActivity = DateTime.UtcNow;
                line = line.Trim();
                if (line.Length == 0) continue;
                if (!authenticated)
                {
                    if (line.StartsWith("AUTH ", StringComparison.Ordinal) && _token.Matches(line[5..].Trim()))
                    {
                        authenticated = true;
                        await Reply(stream, CommandResult.Success("authenticated"), c.Closed.Token);
                        continue;
                    }
                    await RefuseWrongToken(c, remote, stream);
                    return;
                }
                if (line.StartsWith("AUTH ", StringComparison.Ordinal))
                {
                    await Reply(stream, CommandResult.Success("authenticated"), c.Closed.Token);
                    continue;
                }
                await Reply(stream, await ExecuteAsync(line, c.Closed.Token), c.Closed.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the client went away, was displaced, or we are stopping: nothing to clean up beyond this connection
        }
    }

    /// <summary>Counts the failure against the address (locking it out past the limit) and answers only after the delay.</summary>
    private async Task RefuseWrongToken(InspectionConnection c, string remote, NetworkStream stream)
    {
        var lockedNow = _token.RecordFailure(c.Address, DateTime.UtcNow);
        _warn($"inspection: refused {remote}: wrong or missing token" + (lockedNow ? $"; {c.Address} locked out for {_limits.Lockout.TotalSeconds:0} s" : ""));
        c.Penalised = true;
        c.Evictable = true;
        await Task.Delay(_limits.WrongTokenDelay, c.Closed.Token);
        await Reply(stream, CommandResult.Error("authentication required: wrong or missing token"), c.Closed.Token);
    }

    private static async Task Reply(NetworkStream stream, CommandResult result, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(result.Text);
        var head = Encoding.ASCII.GetBytes($"{(result.Ok ? "OK" : "ERR")} {body.Length}\n");
        await stream.WriteAsync(head, ct);
        await stream.WriteAsync(body, ct);
        await stream.FlushAsync(ct);
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
        foreach (var c in _open.Keys) c.Close();
    }
}
