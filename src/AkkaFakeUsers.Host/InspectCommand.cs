using System.Collections;
using AkkaFakeUsers.Inspection;

namespace AkkaFakeUsers.Host;

/// <summary>
/// <c>afu inspect [--host H] [--port P] [--token T] &lt;command…&gt;</c>: sends one command to a running node and prints
/// the answer (exit 0, or 1 when the node answers with an error). Without a command: an interactive prompt.
/// </summary>
public static class InspectCommand
{
    public static async Task<int> ExecuteAsync(ParsedArgs args, TextReader stdin, TextWriter stdout, TextWriter stderr, IDictionary env, CancellationToken cancel)
    {
        var settings = CommandSettings.Load(new ParsedArgs("inspect", new Dictionary<string, string>(), []), env);
        var host = args.Flag("host") ?? (settings.Inspection.Host is "0.0.0.0" or "::" ? "127.0.0.1" : settings.Inspection.Host);
        var port = settings.Inspection.Port;
        if (args.Flag("port") is { } p && (!int.TryParse(p, out port) || port is < 1 or > 65535))
            throw new UsageException($"--port '{p}': must be a whole number from 1 to 65535");
        var token = args.Flag("token") ?? settings.Inspection.Token;

        InspectionClient client;
        try
        {
            client = await InspectionClient.ConnectAsync(host, port, token, cancel);
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"afu inspect: {ex.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException ex)
        {
            await stderr.WriteLineAsync($"afu inspect: refused by {host}:{port}: {ex.Message}");
            return 1;
        }

        await using (client)
        {
            if (args.Positional.Count > 0)
            {
                var line = string.Join(' ', args.Positional.Select(w => w.Contains(' ') ? $"\"{w}\"" : w));
                return await SendAndPrint(client, line, stdout, stderr, cancel);
            }
            return await Interactive(client, host, port, stdin, stdout, stderr, cancel);
        }
    }

    private static async Task<int> SendAndPrint(InspectionClient client, string line, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var result = await client.SendAsync(line, cancel);
        await (result.Ok ? stdout : stderr).WriteLineAsync(result.Ok ? result.Text : $"error: {result.Text}");
        return result.Ok ? 0 : 1;
    }

    private static async Task<int> Interactive(InspectionClient client, string host, int port, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var history = new List<string>();
        await stdout.WriteLineAsync($"connected to {host}:{port}; `help` lists commands, `history` what you typed, `exit` leaves");
        while (!cancel.IsCancellationRequested)
        {
            await stdout.WriteAsync("afu> ");
            await stdout.FlushAsync(cancel);
            var line = await stdin.ReadLineAsync(cancel);
            if (line is null) break;
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line is "exit" or "quit") break;
            if (line == "history")
            {
                for (var i = 0; i < history.Count; i++) await stdout.WriteLineAsync($"{i + 1,4}  {history[i]}");
                continue;
            }
            if (line.StartsWith('!') && int.TryParse(line[1..], out var n))
            {
                if (n < 1 || n > history.Count)
                {
                    await stderr.WriteLineAsync($"error: no history entry {n}");
                    continue;
                }
                line = history[n - 1];
                await stdout.WriteLineAsync(line);
            }
            history.Add(line);
            try
            {
                await SendAndPrint(client, line, stdout, stdout, cancel);
            }
            catch (IOException ex)
            {
                await stderr.WriteLineAsync($"afu inspect: {ex.Message}");
                return 1;
            }
        }
        return 0;
    }
}
