using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Host;

/// <summary>The <c>afu</c> command line. Exit codes: 0 success, 2 bad arguments or configuration, 1 runtime failure.</summary>
public static class AfuApp
{
    /// <param name="env">Environment variables to read settings from (default: the process environment).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel, System.Collections.IDictionary? env = null, TextReader? stdin = null)
    {
        env ??= Environment.GetEnvironmentVariables();
        ParsedArgs parsed;
        try
        {
            parsed = Cli.Parse(args);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"afu: {ex.Message}");
            await stderr.WriteLineAsync(Cli.Usage);
            return 2;
        }

        try
        {
            return parsed.Command switch
            {
                "help" => await Help(stdout),
                "run" => await RunCommand.ExecuteAsync(parsed, stdout, stderr, env, cancel),
                "export" => await ExportCommand.ExecuteAsync(parsed, stdout, env, cancel),
                "dataset" => await DatasetCommand.ExecuteAsync(parsed, stdout, env, cancel),
                "inspect" => await InspectCommand.ExecuteAsync(parsed, stdin ?? Console.In, stdout, stderr, env, cancel),
                _ => throw new UsageException($"unknown command '{parsed.Command}'"),
            };
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"afu {parsed.Command}: {ex.Message}");
            return 2;
        }
        catch (SettingsException ex)
        {
            await stderr.WriteLineAsync($"afu {parsed.Command}: invalid configuration:");
            foreach (var e in ex.Errors) await stderr.WriteLineAsync($"  - {e}");
            return 2;
        }
        catch (AkkaFakeUsers.Hosting.InspectionPortException ex)
        {
            await stderr.WriteLineAsync($"afu {parsed.Command}: {ex.Message}");
            return 1;
        }
        catch (AkkaFakeUsers.Llm.OllamaUnavailableException ex)
        {
            await stderr.WriteLineAsync($"afu {parsed.Command}: {ex.Message} (use --llm auto or --llm builtin to run without it)");
            return 1;
        }
        catch (AkkaFakeUsers.Storage.StorageUnavailableException ex)
        {
            await stderr.WriteLineAsync($"afu {parsed.Command}: {ex.Message}");
            return 1;
        }
        catch (FatalRunException ex)
        {
            await stderr.WriteLineAsync($"afu {parsed.Command}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> Help(TextWriter stdout)
    {
        await stdout.WriteLineAsync(Cli.Usage);
        return 0;
    }
}

/// <summary>A runtime failure that ends the command with exit code 1 and this message.</summary>
public sealed class FatalRunException(string message, Exception? inner = null) : Exception(message, inner);
