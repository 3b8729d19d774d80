namespace AkkaFakeUsers.Host;

/// <summary>Bad command line: exit code 2 with this message.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A parsed command line: the command words, its --flags and positional arguments.</summary>
public sealed record ParsedArgs(string Command, IReadOnlyDictionary<string, string> Flags, IReadOnlyList<string> Positional)
{
    public string? Flag(string name) => Flags.TryGetValue(name, out var v) ? v : null;
}

public static class Cli
{
    public const string Usage = """
        usage: afu <command> [options]

          afu run [--users N] [--duration 30s] [--seed S] [--data-dir DIR] [--storage sqlite|postgres]
                  [--llm auto|ollama|builtin] [--config FILE] [--time-scale X]
              Runs the simulation. Without --duration it runs until Ctrl+C / SIGTERM.
          afu export --format csv|parquet --out DIR [--storage sqlite|postgres] [--data-dir DIR] [--config FILE]
              Writes users, posts and user_interactions (from the store a run wrote) as CSV or Parquet files.
          afu dataset report [--out DIR] [--storage sqlite|postgres] [--data-dir DIR] [--config FILE]
              Realism statistics of the tables: a table on screen, report.json and PNG charts in DIR (default ./dataset-report).
          afu dataset evaluate [--out DIR] [--storage sqlite|postgres] [--data-dir DIR] [--config FILE]
              Trains a like-predictor on the first 80% of views (by time), prints AUC and recall@10 on the last 20%
              against random and most-popular baselines; evaluate.json in DIR (default ./dataset-evaluate).
          afu inspect [--host H] [--port P] [--token T] [command…]
              Sends one inspection command to a running node (`afu inspect sim status`); no command: a prompt.
          afu help
              Shows this text.

        Exit codes: 0 success, 2 bad arguments or configuration, 1 runtime failure.
        """;

    /// <summary>Flags each command takes; every one takes a value.</summary>
    private static readonly Dictionary<string, string[]> KnownFlags = new()
    {
        ["run"] = ["users", "duration", "seed", "data-dir", "storage", "llm", "config", "time-scale"],
        ["export"] = ["format", "out", "data-dir", "storage", "config"],
        ["inspect"] = ["host", "port", "token"],
        ["dataset"] = ["out", "data-dir", "storage", "config"],
    };

    public static ParsedArgs Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new UsageException("no command given");
        var command = args[0];
        if (command is "help" or "--help" or "-h") return new ParsedArgs("help", new Dictionary<string, string>(), []);
        if (!KnownFlags.TryGetValue(command, out var known))
            throw new UsageException($"unknown command '{command}'; commands: {string.Join(", ", KnownFlags.Keys)}, help");

        var flags = new Dictionary<string, string>();
        var positional = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var a = args[i];
            if (command == "inspect" && positional.Count > 0)
            {
                // everything after the first command word belongs to the inspection command (it has switches of its own)
                positional.Add(a);
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(a);
                continue;
            }
            var name = a[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (!known.Contains(name))
                throw new UsageException($"afu {command}: unknown option --{name}; allowed: {string.Join(", ", known.Select(k => "--" + k))}");
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"afu {command}: --{name} needs a value");
                value = args[++i];
            }
            if (flags.ContainsKey(name)) throw new UsageException($"afu {command}: --{name} given twice");
            flags[name] = value;
        }
        if (command == "dataset" && positional.Count > 1)
            throw new UsageException($"afu dataset: unexpected argument '{positional[1]}'");
        if (positional.Count > 0 && command is not ("inspect" or "dataset"))
            throw new UsageException($"afu {command}: unexpected argument '{positional[0]}'");
        return new ParsedArgs(command, flags, positional);
    }
}
