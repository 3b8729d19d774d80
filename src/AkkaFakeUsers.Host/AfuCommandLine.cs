using AkkaFakeUsers.Configuration;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Host;

/// <summary>Bad command line: exit code 2 with this message.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A parsed command line as the commands read it: the command, the options given and its positional words.</summary>
public sealed record ParsedArgs(string Command, IReadOnlyDictionary<string, string> Flags, IReadOnlyList<string> Positional)
{
    public string? Flag(string name) => Flags.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// The <c>afu</c> command line, parsed by System.CommandLine. The settings flags (<c>--users</c>, <c>--seed</c>…) come
/// from <see cref="SettingsCatalog"/>, so each is declared once; the others belong to one command. Values are taken as
/// text and checked by the settings loader or the command, which name the flag and what is allowed.
/// </summary>
public static class AfuCommandLine
{
    /// <summary>Settings flags that export and dataset take too (they read what a run wrote).</summary>
    private static readonly string[] StoreFlags = ["storage", "data-dir"];

    public static RootCommand Build()
    {
        var root = new RootCommand("AkkaFakeUsers: a population of fake social-network users that writes labelled training data.");

        var run = new Command("run", "Runs the simulation. Without --duration it runs until Ctrl+C / SIGTERM.");
        foreach (var s in SettingsCatalog.Flags) run.Add(SettingOption(s));
        run.Add(Text("--duration", "30s", "How long to run (30s, 5m, 1h; a bare number is seconds)."));
        run.Add(Text("--fork-from", "DIR|postgres:CS", "Start this run's (empty) store from a copy of another run's state at --at: a SQLite run's data dir, or postgres: and an Npgsql connection string. " +
                                                      "The same users carry on under the settings given now (give the source's --seed and --users)."));
        run.Add(Text("--at", "TIME", "With --fork-from: the simulated instant to fork at, ISO-8601 UTC (2026-01-01T06:00:00Z) or a duration after the source's first event (6h). The run resumes at it (it replaces afu.simulation.start)."));
        run.Add(ConfigOption());
        root.Add(run);

        var export = new Command("export", "Writes the training tables a run left as CSV or Parquet files, the impression log as MIND (behaviors.tsv, news.tsv) or Open Bandit (obd.csv; obd_slate.csv with the slate, item-position and cascade pscores " +
                                           "of the logging and every shadow policy, for OBP's slate estimators) files, " +
                                           "or RecBole's atomic files (NAME.inter, .user, .item, .net from the follow graph, and NAME.yaml; NAME is DIR's own name).");
        export.Add(Text("--format", "csv|parquet|mind|obd|obd-slate|recbole", "File format."));
        export.Add(Text("--out", "DIR", "Directory to write to."));
        AddStoreOptions(export);
        root.Add(export);

        var dataset = new Command("dataset", "report: realism statistics (table, report.json, PNG charts). evaluate: trains a like-predictor on the first 80% of views by time, scores it on the last 20%. " +
                                             "fidelity: the tables against statistics published for real logs (MIND, EB-NeRD, Open Bandit, KuaiRand, Yambda, Pew), one row each with target, value, 95% interval, n and source; fidelity.json and two charts (docs/fidelity.md).");
        dataset.Add(new Argument<string>("what") { Description = "report, evaluate or fidelity", Arity = ArgumentArity.ZeroOrOne });
        dataset.Add(Text("--out", "DIR", "Directory for the JSON and charts (default ./dataset-report, ./dataset-evaluate or ./dataset-fidelity)."));
        dataset.Add(new Option<bool>("--strict") { Description = "fidelity: exit 1 when any row is outside its target (an n/a row counts as outside); without it fidelity exits 0 (it is a report)." });
        dataset.Add(Text("--logging-policy", "NAME", "evaluate: estimate from this policy's slates only (e.g. epsilon:0.1:interest); default: every slate but the target's own."));
        dataset.Add(Text("--compare-data-dir", "DIR[,DIR]", "evaluate: data dirs of runs under the target policies (same seed and population); their like rates are printed beside the off-policy estimates."));
        dataset.Add(Text("--truth", "DIR[,DIR]", "evaluate: data dirs of forks of the logged world (afu run --fork-from) or other runs under target policies; their like and open rates from the fork instant on (their first slate that is not a copy of a logged one) are printed beside each estimate, and every figure counts from that instant."));
        dataset.Add(Text("--truth-after", "TIME", "evaluate: with --truth, count the truths and the evidence after this UTC time instead of from the detected fork instant."));
        AddStoreOptions(dataset);
        root.Add(dataset);

        var inspect = new Command("inspect", "Sends one inspection command to a running node (afu inspect sim status); no command: an interactive prompt.")
        {
            // the inspection command has switches of its own (-d, -n, --interest): they are passed on, not parsed here
            TreatUnmatchedTokensAsErrors = false,
        };
        inspect.Add(Text("--host", "H", "Node to connect to (default afu.inspection.host)."));
        inspect.Add(Text("--port", "P", "Its inspection port (default afu.inspection.port)."));
        inspect.Add(Text("--token", "T", "Token, when the node requires one (default afu.inspection.token)."));
        inspect.Add(new Argument<string[]>("command") { Description = "The inspection command, e.g. sim status", Arity = ArgumentArity.ZeroOrMore });
        root.Add(inspect);

        root.Add(new Command("help", "Shows this text."));
        return root;
    }

    private static Option<string> Text(string name, string valueName, string description) => new(name) { HelpName = valueName, Description = description };

    private static Option<string> SettingOption(Setting s) => Text("--" + s.Flag, s.FlagValue, $"{s.Help} (sets {s.Key})");

    private static Option<string> ConfigOption() => Text("--config", "FILE", "A HOCON file layered over the defaults (see hocon/simulation.conf).");

    private static void AddStoreOptions(Command command)
    {
        foreach (var s in SettingsCatalog.Flags.Where(f => StoreFlags.Contains(f.Flag))) command.Add(SettingOption(s));
        command.Add(ConfigOption());
    }

    /// <summary>
    /// The usage text: System.CommandLine's help for the root command and each command, or for one command only
    /// (<c>afu run --help</c>, <c>afu help run</c>).
    /// </summary>
    public static string Usage(string? command = null)
    {
        var root = Build();
        var text = new StringWriter();
        var commands = command is null
            ? new[] { Array.Empty<string>() }.Concat(root.Subcommands.Where(c => c.Name != "help").Select(c => new[] { c.Name, "--help" }))
            : [[command, "--help"]];
        foreach (var args in commands)
        {
            var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
            parsed.Invoke(new InvocationConfiguration { Output = text, Error = text });
        }
        text.WriteLine("Exit codes: 0 success, 2 bad arguments or configuration, 1 runtime failure.");
        return text.ToString();
    }

    /// <summary>Parses; a bad command line throws <see cref="UsageException"/> saying what is wrong in the words of the flag.</summary>
    public static ParsedArgs Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new UsageException("no command given");
        var root = Build();
        // the help of one command (afu run --help, afu help run) is that command's only; afu help: every command's.
        // An inspection command's own --help (afu inspect sim users --help) goes to the node.
        var asksHelp = args[0] is "help" or "--help" or "-h"
                       || (args[0] != "inspect" && (args.Contains("--help") || args.Contains("-h")))
                       || (args[0] == "inspect" && args.Count >= 2 && args[1] is "--help" or "-h");
        if (asksHelp)
        {
            var named = args[0] is "help" or "--help" or "-h" ? args.Skip(1).FirstOrDefault(a => !a.StartsWith('-')) : args[0];
            if (named is not null && root.Subcommands.All(c => c.Name != named || c.Name == "help"))
                throw new UsageException($"unknown command '{named}'; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
            return new ParsedArgs("help", new Dictionary<string, string>(), named is null ? [] : [named]);
        }
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var command = result.CommandResult.Command;
        if (result.Errors.Count > 0)
        {
            // the token nobody understood says more than "required command was not provided"
            var first = result.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? result.Errors[0];
            throw new UsageException(Explain(first, command, root));
        }
        if (command is RootCommand) throw new UsageException("no command given");

        var flags = new Dictionary<string, string>();
        foreach (var option in command.Options.OfType<Option<string>>())
        {
            var r = result.GetResult(option);
            if (r is null || r.Implicit) continue;
            if (r.Tokens.Count > 1) throw new UsageException($"afu {command.Name}: {option.Name} given twice");
            flags[option.Name[2..]] = r.Tokens[0].Value;
        }
        // switches (--strict): present and not false
        foreach (var option in command.Options.OfType<Option<bool>>())
            if (result.GetResult(option) is { Implicit: false } && result.GetValue(option))
                flags[option.Name[2..]] = "true";
        IReadOnlyList<string> positional = command.Name switch
        {
            "inspect" => InspectionWords(result, command),
            "dataset" => result.GetValue<string>("what") is { } w ? [w] : [],
            _ => [],
        };
        return new ParsedArgs(command.Name, flags, positional);
    }

    /// <summary>Everything from the inspection command's first word on, as typed (its own switches included).</summary>
    private static IReadOnlyList<string> InspectionWords(ParseResult result, Command inspect)
    {
        var tokens = result.Tokens;
        var i = 0;
        while (i < tokens.Count && !(tokens[i].Type == TokenType.Command && tokens[i].Value == inspect.Name)) i++;
        for (i++; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.Option && inspect.Options.Any(o => o.Name == tokens[i].Value)) { i++; continue; }
            break;
        }
        return tokens.Skip(i).Select(t => t.Value).ToArray();
    }

    private static string Explain(ParseError error, Command command, RootCommand root)
    {
        var who = command is RootCommand ? "afu" : $"afu {command.Name}";
        var allowed = string.Join(", ", command.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && o is not HelpOption && o.Name != "--version").Select(o => o.Name));
        var token = error.Message.Split('\'') is { Length: >= 3 } parts ? parts[1] : null;
        if (token is not null && error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
        {
            if (command is RootCommand && !token.StartsWith('-'))
                return $"unknown command '{token}'; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}";
            if (token.StartsWith("--", StringComparison.Ordinal))
                return $"{who}: unknown option {token.Split('=')[0]}; allowed: {allowed}";
            return $"{who}: unexpected argument '{token}'";
        }
        if (token is not null && error.Message.StartsWith("Required argument missing for option", StringComparison.Ordinal))
            return $"{who}: {token} needs a value";
        if (token is not null && error.Message.Contains("expects a single argument", StringComparison.Ordinal))
            return $"{who}: {token} given twice";
        return $"{who}: {error.Message}";
    }
}
