using System.Collections;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Dataset;

namespace AkkaFakeUsers.Host;

/// <summary>
/// <c>afu export --format csv|parquet|mind|obd|obd-slate|recbole --out DIR</c>: the training tables as files, the impression log as
/// MIND or Open Bandit files (per impression, or per slate for OBP's slate estimators), or the tables as RecBole's atomic files,
/// from SQLite or PostgreSQL.
/// </summary>
public static class ExportCommand
{
    /// <summary>The <c>--format</c> names, as the command line spells them.</summary>
    public static readonly IReadOnlyList<(string Name, ExportFormat Format)> Formats =
    [
        ("csv", ExportFormat.Csv), ("parquet", ExportFormat.Parquet), ("mind", ExportFormat.Mind), ("obd", ExportFormat.Obd), ("obd-slate", ExportFormat.ObdSlate),
        ("recbole", ExportFormat.RecBole),
    ];

    private static string Names => string.Join(", ", Formats.SkipLast(1).Select(f => f.Name)) + " or " + Formats[^1].Name;

    public static ExportFormat? Parse(string name) =>
        Formats.Where(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)).Select(f => (ExportFormat?)f.Format).FirstOrDefault();

    public static async Task<int> ExecuteAsync(ParsedArgs args, TextWriter stdout, IDictionary env, CancellationToken cancel)
    {
        var format = args.Flag("format") switch
        {
            null => throw new UsageException($"--format is required: {Names}"),
            var f when Parse(f) is { } known => known,
            var f => throw new UsageException($"--format '{f}': must be {Names}"),
        };
        var outDir = args.Flag("out") ?? throw new UsageException("--out DIR is required");
        if (format == ExportFormat.RecBole)
        {
            try
            {
                RecBoleExport.DatasetName(outDir);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }
        }
        var settings = CommandSettings.Load(args, env);
        var store = await StoragePreparer.OpenExistingAsync(settings, cancel);
        var results = await Exporter.ExportAsync(store, format, outDir, stdout, cancel);
        await stdout.WriteLineAsync($"afu export: {results.Sum(r => r.Rows)} rows in {results.Count} files under {Path.GetFullPath(outDir)}");
        return 0;
    }
}
