using System.Collections;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Host;

/// <summary><c>afu export --format csv|parquet --out DIR</c>: the training tables as files, from SQLite or PostgreSQL.</summary>
public static class ExportCommand
{
    public static async Task<int> ExecuteAsync(ParsedArgs args, TextWriter stdout, IDictionary env, CancellationToken cancel)
    {
        var format = args.Flag("format") switch
        {
            null => throw new UsageException("--format is required: csv or parquet"),
            var f when f.Equals("csv", StringComparison.OrdinalIgnoreCase) => ExportFormat.Csv,
            var f when f.Equals("parquet", StringComparison.OrdinalIgnoreCase) => ExportFormat.Parquet,
            var f => throw new UsageException($"--format '{f}': must be csv or parquet"),
        };
        var outDir = args.Flag("out") ?? throw new UsageException("--out DIR is required");
        var settings = CommandSettings.Load(args, env);
        var store = await StoragePreparer.OpenExistingAsync(settings, cancel);
        var results = await Exporter.ExportAsync(store, format, outDir, stdout, cancel);
        await stdout.WriteLineAsync($"afu export: {results.Sum(r => r.Rows)} rows in {results.Count} files under {Path.GetFullPath(outDir)}");
        return 0;
    }
}
