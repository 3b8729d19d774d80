using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaFakeUsers.Inspection;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Inspection;

/// <summary>
/// Hostile clients against a real inspection server over TCP: each attack runs while a legitimate client (from
/// 127.0.0.1; attackers come from 127.0.0.2, another loopback address) must still get its answer within a second.
/// </summary>
public sealed class InspectionHardeningTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "s3cr3t-token";
    private readonly List<string> _log = [];
    private InspectionServer _server = null!;
    private int _port;

    private static readonly InspectionLimits Limits = InspectionLimits.Default with { MaxConnections = 64, IdleTimeout = TimeSpan.FromSeconds(30) };

    public Task InitializeAsync()
    {
        _server = new InspectionServer(IPAddress.Loopback, 0, Token, new CommandRegistry(), m => { lock (_log) _log.Add(m); }, Limits);
        _server.Start();
        _port = _server.EndPoint.Port;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<TcpClient> Attacker()
    {
        var tcp = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        return tcp;
    }

    /// <summary>A legitimate client: connects, authenticates and runs `help`; returns how long that took.</summary>
    private async Task<TimeSpan> LegitimateAnswerTime()
    {
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var c = await InspectionClient.ConnectAsync("127.0.0.1", _port, Token, cts.Token);
        var r = await c.SendAsync("help", cts.Token);
        Assert.True(r.Ok, r.Text);
        Assert.Contains("help [palette]", r.Text);
        return sw.Elapsed;
    }

    private static Task<string> ReadAll(TcpClient tcp, TimeSpan within) => ReadAll(tcp.GetStream(), within);

    private static async Task<string> ReadAll(NetworkStream stream, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        var text = new StringBuilder();
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0) text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (IOException)
        {
            // reset by the server after its answer
        }
        return text.ToString();
    }

    [Fact]
    public async Task A_10_MB_line_is_cut_off_after_the_line_limit_and_others_are_served()
    {
        using var attacker = await Attacker();
        // the stream is taken before the server cuts the connection off (a disconnected TcpClient has none to give)
        var stream = attacker.GetStream();
        var line = new byte[10 * 1024 * 1024];
        Array.Fill(line, (byte)'a');
        var before = GC.GetTotalMemory(false);
        var sending = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(line);
                return "sent all";
            }
            catch (IOException ex)
            {
                return "cut off: " + ex.Message;
            }
        });
        var answer = await ReadAll(stream, TimeSpan.FromSeconds(10));
        Assert.StartsWith("ERR", answer);
        Assert.Contains($"line longer than {Limits.MaxLineBytes} bytes", answer);
        var took = await LegitimateAnswerTime();
        output.WriteLine($"10 MB line: {await sending}; server answered '{answer.Split('\n')[1]}'; legitimate client answered in {took.TotalMilliseconds:F0} ms");
        Assert.True(took < TimeSpan.FromSeconds(1), $"legitimate client took {took}");
        Assert.Contains(_log, l => l.Contains("longer than 8192 bytes"));
    }

    [Fact]
    public async Task Five_hundred_idle_connections_cannot_keep_a_legitimate_client_out()
    {
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 500; i++) idle.Add(await Attacker());
            // the server admits them one by one; wait until it holds its cap
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (_server.OpenConnections < Limits.MaxConnections && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(Limits.MaxConnections, _server.OpenConnections);
            await Task.Delay(500);
            var took = await LegitimateAnswerTime();
            output.WriteLine($"500 idle connections, cap {Limits.MaxConnections}: open {_server.OpenConnections}; legitimate client answered in {took.TotalMilliseconds:F0} ms");
            Assert.True(took < TimeSpan.FromSeconds(1), $"legitimate client took {took}");
            Assert.True(_server.OpenConnections <= Limits.MaxConnections);
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_idle_timeout()
    {
        await using var server = new InspectionServer(IPAddress.Loopback, 0, "", new CommandRegistry(), _ => { },
            Limits with { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        server.Start();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.EndPoint.Port);
        var sw = Stopwatch.StartNew();
        var answer = await ReadAll(tcp, TimeSpan.FromSeconds(5));
        Assert.Contains("idle for", answer);
        Assert.InRange(sw.Elapsed.TotalMilliseconds, 400, 3000);
    }

    [Fact]
    public async Task A_hundred_wrong_tokens_are_delayed_lock_the_address_out_and_never_slow_a_legitimate_client()
    {
        var wrongAnswers = new List<Task<(string Answer, TimeSpan Took)>>();
        for (var i = 0; i < 100; i++)
        {
            var guess = i % 2 == 0 ? "wrong" + i : new string('x', 1 + i * 100); // short and long guesses
            wrongAnswers.Add(Task.Run(async () =>
            {
                var sw = Stopwatch.StartNew();
                using var tcp = await Attacker();
                var stream = tcp.GetStream();
                try
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"AUTH {guess}\nsim status\n"));
                }
                catch (IOException)
                {
                    // refused at once (locked out) while still writing: its answer is read below
                }
                return (await ReadAll(stream, TimeSpan.FromSeconds(10)), sw.Elapsed);
            }));
        }
        var legitimate = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            legitimate.Add(await LegitimateAnswerTime());
            await Task.Delay(100);
        }
        var results = await Task.WhenAll(wrongAnswers);
        // every guess is refused; a few may be closed unanswered instead (a full house displaces connections waiting out
        // their wrong-token delay first), none is ever served
        Assert.All(results, r => Assert.True(r.Answer.Length == 0 || r.Answer.StartsWith("ERR"), r.Answer));
        Assert.DoesNotContain(results, r => r.Answer.Contains("OK"));
        var displaced = results.Count(r => r.Answer.Length == 0);
        var delayed = results.Count(r => r.Answer.Contains("wrong or missing token"));
        var lockedOut = results.Count(r => r.Answer.Contains("locked out"));
        output.WriteLine($"100 wrong tokens: {delayed} answered 'wrong token' (min {results.Where(r => r.Answer.Contains("wrong or missing")).Select(r => r.Took.TotalMilliseconds).DefaultIfEmpty().Min():F0} ms), {lockedOut} refused as locked out, {displaced} displaced unanswered; legitimate client: {string.Join(", ", legitimate.Select(t => $"{t.TotalMilliseconds:F0} ms"))}");
        Assert.All(results.Where(r => r.Answer.Contains("wrong or missing token")), r => Assert.True(r.Took >= TimeSpan.FromMilliseconds(900), $"answered after {r.Took}"));
        Assert.True(lockedOut > 0, "the guessing address was never locked out");
        Assert.All(legitimate, t => Assert.True(t < TimeSpan.FromSeconds(1), $"legitimate client took {t}"));

        // the lock-out holds for the right token too, from that address only
        using var fromAttacker = await Attacker();
        var attackerStream = fromAttacker.GetStream();
        try
        {
            await attackerStream.WriteAsync(Encoding.UTF8.GetBytes($"AUTH {Token}\n"));
        }
        catch (IOException)
        {
            // refused before the token was written
        }
        Assert.Contains("locked out", await ReadAll(attackerStream, TimeSpan.FromSeconds(5)));
        Assert.Contains(_log, l => l.Contains("127.0.0.2 locked out"));
    }
}
