using System.Collections;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Host;

/// <summary><c>afu export --format csv|parquet|mind|obd --out DIR</c>: the training tables as files, or the impression log as MIND or Open Bandit files, from SQLite or PostgreSQL.</summary>
public static class ExportCommand
{
    public static async Task<int> ExecuteAsync(ParsedArgs args, TextWriter stdout, IDictionary env, CancellationToken cancel)
    {
        var format = args.Flag("format") switch
        {
            null => throw new UsageException("--format is required: csv, parquet, mind or obd"),
            var f when Enum.TryParse<ExportFormat>(f, true, out var known) && !int.TryParse(f, out _) => known,
            var f => throw new UsageException($"--format '{f}': must be csv, parquet, mind or obd"),
        };
        var outDir = args.Flag("out") ?? throw new UsageException("--out DIR is required");
        var settings = CommandSettings.Load(args, env);
        var store = await StoragePreparer.OpenExistingAsync(settings, cancel);
        var results = await Exporter.ExportAsync(store, format, outDir, stdout, cancel);
        await stdout.WriteLineAsync($"afu export: {results.Sum(r => r.Rows)} rows in {results.Count} files under {Path.GetFullPath(outDir)}");
        return 0;
    }
}
