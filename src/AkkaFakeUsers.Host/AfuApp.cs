using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Host;

/// <summary>The <c>afu</c> command line. Exit codes: 0 success, 2 bad arguments or configuration, 1 runtime failure.</summary>
public static class AfuApp
{
    /// <param name="env">Environment variables to read settings from (default: the process environment).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel, System.Collections.IDictionary? env = null, TextReader? stdin = null)
    {
        env ??= Environment.GetEnvironmentVariables();
        var command = "";
        try
        {
            var parsed = AfuCommandLine.Parse(args);
            command = parsed.Command;
            return parsed.Command switch
            {
                "help" => await Help(stdout, parsed.Positional.FirstOrDefault()),
                "run" => await RunCommand.ExecuteAsync(parsed, stdout, stderr, env, cancel),
                "export" => await ExportCommand.ExecuteAsync(parsed, stdout, env, cancel),
                "dataset" => await DatasetCommand.ExecuteAsync(parsed, stdout, env, cancel),
                "inspect" => await InspectCommand.ExecuteAsync(parsed, stdin ?? Console.In, stdout, stderr, env, cancel),
                _ => throw new UsageException($"unknown command '{parsed.Command}'"),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            var (code, lines) = ExitCodes.For(ex, command);
            foreach (var line in lines) await stderr.WriteLineAsync(line);
            if (ex is UsageException && command.Length == 0) await stderr.WriteLineAsync("run `afu help` for the commands and their options");
            return code;
        }
    }

    private static async Task<int> Help(TextWriter stdout, string? command)
    {
        await stdout.WriteAsync(AfuCommandLine.Usage(command));
        return 0;
    }
}

/// <summary>A runtime failure that ends the command with exit code 1 and this message.</summary>
public sealed class FatalRunException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The one place that turns a failure into an exit code and the lines that explain it (never a stack trace).</summary>
public static class ExitCodes
{
    public const int Success = 0, Failure = 1, BadInput = 2;

    public static (int Code, IReadOnlyList<string> Lines) For(Exception ex, string command)
    {
        var who = command.Length == 0 ? "afu" : $"afu {command}";
        ex = Unwrap(ex);
        return ex switch
        {
            UsageException u => (BadInput, [u.Message.StartsWith("afu ", StringComparison.Ordinal) ? u.Message : $"{who}: {u.Message}"]),
            ForkRefusedException f => (BadInput, [$"{who}: {f.Message}"]),
            SettingsException s => (BadInput, [$"{who}: invalid configuration:", .. s.Errors.Select(e => $"  - {e}")]),
            OllamaUnavailableException o => (Failure, [$"{who}: {o.Message} (use --llm auto or --llm builtin to run without it)"]),
            InspectionPortException or StorageUnavailableException or FatalRunException => (Failure, [$"{who}: {ex.Message}"]),
            Akka.Remote.RemoteTransportException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } }
                => (Failure, [$"{who}: cannot open the cluster port {System.Text.RegularExpressions.Regex.Match(ex.Message, @"\[(.+?)\]").Groups[1].Value}: the address is in use (another afu run? set AFU__CLUSTER__PORT; 0 = any free port)"]),
            IOException or UnauthorizedAccessException => (Failure, [$"{who}: {OneLine(ex.Message)}"]),
            _ => (Failure, [$"{who}: failed: {ex.GetType().Name}: {OneLine(ex.Message)}"]),
        };
    }

    /// <summary>The failure that matters inside the wrappers hosting and tasks add (AggregateException, TargetInvocationException, …).</summary>
    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case AggregateException { InnerExceptions.Count: >= 1 } a:
                    ex = a.InnerExceptions[0];
                    continue;
                case System.Reflection.TargetInvocationException { InnerException: { } i }:
                    ex = i;
                    continue;
                case TypeInitializationException { InnerException: { } t }:
                    ex = t;
                    continue;
                default:
                    return ex;
            }
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
