using System.Collections;
using System.Text.Json;
using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Host;

/// <summary>
/// <c>afu dataset report|evaluate|fidelity [--out DIR]</c>: realism statistics (table, JSON, PNG charts), the like-predictor
/// check and the fidelity to published statistics of real logs, from the training tables a run wrote (SQLite or
/// PostgreSQL, chosen like for run and export).
/// </summary>
public static class DatasetCommand
{
    public static readonly string[] Subcommands = ["report", "evaluate", "fidelity"];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> ExecuteAsync(ParsedArgs args, TextWriter stdout, IDictionary env, CancellationToken cancel)
    {
        var sub = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException($"give one of: {string.Join(", ", Subcommands)} (afu dataset report --out DIR)");
        if (!Subcommands.Contains(sub)) throw new UsageException($"unknown dataset command '{sub}'; allowed: {string.Join(", ", Subcommands)}");
        var strict = args.Flag("strict") is not null;
        if (strict && sub != "fidelity") throw new UsageException($"--strict is for afu dataset fidelity only, not {sub}");
        var outDir = Path.GetFullPath(args.Flag("out") ?? Path.Combine("dataset-" + sub));
        var settings = CommandSettings.Load(args, env);
        var store = await StoragePreparer.OpenExistingAsync(settings, cancel);
        DatasetTables tables;
        try
        {
            tables = await DatasetTables.ReadAsync(store, cancel);
        }
        catch (InvalidDataException ex)
        {
            throw new FatalRunException($"cannot read the training tables: {ex.Message}");
        }
        await stdout.WriteLineAsync($"afu dataset {sub}: {tables.Users.Count} users, {tables.Posts.Count} posts, {tables.Interactions.Count} interactions, {tables.Follows.Count} follows");
        Directory.CreateDirectory(outDir);

        if (sub == "report")
        {
            var report = DatasetReport.Compute(tables, settings);
            await stdout.WriteAsync(report.ToText());
            var charts = ReportCharts.Write(report, outDir);
            // the fidelity charts in a folder of their own: the out dir holds the report's charts only
            var fidelityCharts = FidelityCharts.Write(report.Fidelity, Path.Combine(outDir, "fidelity"));
            var json = Path.Combine(outDir, "report.json");
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, Json), cancel);
            await stdout.WriteLineAsync($"afu dataset report: wrote {json} and {charts.Count} charts ({string.Join(", ", charts.Select(Path.GetFileName))}) in {outDir}, " +
                                        $"the fidelity charts ({string.Join(", ", fidelityCharts.Select(Path.GetFileName))}) in {Path.Combine(outDir, "fidelity")}");
            return 0;
        }

        if (sub == "fidelity") return await FidelityAsync(tables, outDir, strict, stdout, cancel);

        EvaluationResult result;
        // the runs to hold the estimates against are read first: a bad one is a bad argument, whatever the data's size
        var (runs, truths, from, until) = await ReadTruthsAsync(args, settings, tables, cancel);
        var logging = args.Flag("logging-policy");
        if (logging is not null && tables.Impressions.All(i => i.Policy != logging))
            throw new UsageException($"--logging-policy {logging}: no slate of that policy in the data (policies: {string.Join(", ", tables.Impressions.Select(i => i.Policy).Distinct().Order())})");
        try
        {
            result = LikeEvaluator.Evaluate(tables);
            if (tables.Impressions.Count > 0)
                result = result with
                {
                    Impressions = ImpressionEvaluator.Evaluate(tables),
                    ImpressionsOpened = ImpressionEvaluator.Evaluate(tables, label: ImpressionLabel.Opened),
                };
            if (tables.Shadow.Count > 0 || runs.Count > 0 || truths.Count > 0)
            {
                // the logging run's per-slate mix (from --config), when it assigned policies per slate
                var mixture = settings.Feed.PerSlate
                    ? new LoggingMixture(settings.Feed.Policies.Select(c => (c.Name, c.Share)).ToList(), settings.Feed.RandomShare)
                    : null;
                result = result with { OffPolicy = OffPolicyEvaluator.Evaluate(tables, runs, logging, new OffPolicyOptions(truths, from, Until: until, Mixture: mixture)) };
            }
        }
        catch (NotEnoughDataException ex)
        {
            throw new FatalRunException($"cannot evaluate: {ex.Message}\n{EnoughDataCommands(args, settings)}");
        }
        catch (InvalidDataException ex)
        {
            throw new FatalRunException($"cannot evaluate: {ex.Message}");
        }
        await stdout.WriteAsync(result.ToText());
        var path = Path.Combine(outDir, "evaluate.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Json), cancel);
        await stdout.WriteLineAsync($"afu dataset evaluate: wrote {path}");
        return 0;
    }

    /// <summary>
    /// The runs whose true rates are printed beside the off-policy estimates: --compare-data-dir (separate runs, read whole)
    /// and --truth (forks of the logged world: each counted from its first slate that is not a copy of a logged slate, or
    /// after --truth-after). With --truth or --truth-after every figure counts impressions from that instant on (the
    /// latest fork instant when the forks differ) to the last impression of the longest fork. A dir that is not a run's, or has no impressions of its own, is a bad argument.
    /// </summary>
    public static async Task<(List<DatasetTables> Runs, List<TruthRun> Truths, DateTime? From, DateTime? Until)> ReadTruthsAsync(ParsedArgs args, AfuSettings settings,
        DatasetTables logged, CancellationToken cancel)
    {
        static string[] Dirs(string? list) => (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        async Task<TrainingStore> Open(string flag, string dir, string what)
        {
            try
            {
                // each a run's SQLite data dir, opened (and checked for its tables) as --data-dir is
                return await StoragePreparer.OpenExistingAsync(settings with { Storage = StorageKind.Sqlite, DataDir = dir }, cancel);
            }
            catch (StorageUnavailableException ex)
            {
                throw new UsageException($"{flag} {dir}: {ex.Message} (give the --data-dir of {what})");
            }
        }

        DateTime? after = null;
        if (args.Flag("truth-after") is { } text)
        {
            if (!DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
                throw new UsageException($"--truth-after {text}: not a time (give UTC ISO 8601, e.g. 2026-01-02T00:00:00Z)");
            after = DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        var truthDirs = Dirs(args.Flag("truth"));
        if (after is not null && truthDirs.Length == 0) throw new UsageException("--truth-after needs --truth DIR[,DIR]");

        var runs = new List<DatasetTables>();
        var truths = new List<TruthRun>();
        foreach (var dir in Dirs(args.Flag("compare-data-dir")))
        {
            runs.Add(await DatasetTables.ReadAsync(await Open("--compare-data-dir", dir, "a run under the target policy"), cancel));
            truths.Add(new TruthRun(TruthRun.Separate, dir, runs[^1].Impressions));
        }
        foreach (var dir in truthDirs)
        {
            var store = await Open("--truth", dir, "a run (a fork) under the target policy");
            var impressions = new List<DsImpression>();
            await foreach (var i in DatasetTables.ImpressionsAsync(store, cancel)) impressions.Add(i);
            if (impressions.Count == 0) throw new UsageException($"--truth {dir}: no impressions (give the --data-dir of a run under the target policy)");
            // from the fork instant on: a fork's store holds the logged run's past up to it
            var start = after is { } a ? a.AddTicks(1) : OffPolicyEvaluator.ForkInstant(logged.Impressions, impressions);
            if (start is null || impressions.All(i => i.ShownAt < start))
                throw new UsageException(after is null
                    ? $"--truth {dir}: every slate in it is a copy of one in the logged run: it has no impressions of its own to be a truth"
                    : $"--truth {dir}: no impressions after --truth-after {after:yyyy-MM-dd'T'HH:mm:ss'Z'}");
            truths.Add(new TruthRun(TruthRun.Fork, dir, impressions, start));
        }
        var forks = truths.Where(t => t.Kind == TruthRun.Fork).ToList();
        // to the end of the longest fork: a fork run for an hour is compared with that hour of the logged run
        var until = forks.Count == 0 ? (DateTime?)null : forks.Max(t => t.Impressions.Max(i => i.ShownAt));
        return (runs, truths, forks.Select(t => t.From).Max(), until);
    }

    /// <summary>
    /// The fidelity table, fidelity.json and its two charts. It is a report: exit 0 whatever the rows say; with
    /// <paramref name="strict"/>, a row outside its target (n/a included) is a failure (exit 1) naming the rows.
    /// </summary>
    private static async Task<int> FidelityAsync(DatasetTables tables, string outDir, bool strict, TextWriter stdout, CancellationToken cancel)
    {
        var fidelity = FidelityReport.Compute(tables);
        await stdout.WriteAsync(fidelity.ToText());
        var charts = FidelityCharts.Write(fidelity, outDir);
        var json = Path.Combine(outDir, "fidelity.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(fidelity, Json), cancel);
        await stdout.WriteLineAsync($"afu dataset fidelity: wrote {json} and {charts.Count} charts ({string.Join(", ", charts.Select(Path.GetFileName))}) in {outDir}");
        var failed = fidelity.Failed;
        if (strict && failed.Count > 0)
            throw new FatalRunException($"--strict: {failed.Count} of {fidelity.Rows.Count} rows outside their target (n/a counts as outside): {string.Join(", ", failed)}");
        return 0;
    }

    /// <summary>Where the suggested run writes: a data dir of its own, so it never mixes with the store evaluated.</summary>
    public const string EnoughDataDir = "./afu-evaluate";

    /// <summary>
    /// The commands that give evaluate enough data with these settings (and the same --config): a <c>--time-scale max</c>
    /// run sized by <see cref="EvaluationSizing"/>, then evaluate on what it wrote.
    /// </summary>
    public static string EnoughDataCommands(ParsedArgs args, AfuSettings settings)
    {
        var max = settings with { TimeScale = double.PositiveInfinity };
        var (users, hours) = EvaluationSizing.Suggest(max, max.StartAt(DateTime.UtcNow));
        var config = args.Flag("config") is { } c ? $" --config {Quote(c)}" : "";
        return $"  this run gives it enough data ({users} users, {hours} simulated hour{(hours == 1 ? "" : "s")}, as fast as the machine allows):\n" +
               $"    afu run --users {users} --time-scale max --sim-duration {hours}h --seed 1 --llm builtin --storage sqlite --data-dir {EnoughDataDir}{config}\n" +
               $"  then:\n" +
               $"    afu dataset evaluate --storage sqlite --data-dir {EnoughDataDir}{config}";
    }

    private static string Quote(string word) =>
        word.All(ch => char.IsAsciiLetterOrDigit(ch) || "_./:=,@+-".Contains(ch)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
