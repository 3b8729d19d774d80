using System.Data.Common;
using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Dataset;

public enum ExportFormat { Csv, Parquet, Mind, Obd, RecBole, ObdSlate }

public sealed record ExportResult(string Table, long Rows, string Path);

/// <summary>
/// Writes the training tables to CSV or Parquet files, one a table, streaming: rows are read with a data reader and
/// written as they come (CSV) or in row groups of a fixed size (Parquet), so memory stays constant however large the
/// tables are. <c>user_interactions</c> gains an <c>interest_match_score</c> column taken from its metadata. Flags are 0/1
/// in CSV and booleans in Parquet. <see cref="ExportFormat.Mind"/> and <see cref="ExportFormat.Obd"/> are <see cref="RecsysExport"/>'s,
/// <see cref="ExportFormat.RecBole"/> is <see cref="RecBoleExport"/>'s and <see cref="ExportFormat.ObdSlate"/> <see cref="ObdSlateExport"/>'s.
/// </summary>
public static class Exporter
{
    private enum Kind { Text, Time, Number, Int, Bool }

    private sealed record Column(string Name, Kind Kind, bool Nullable);

    private sealed record Table(string Name, Column[] Columns, Func<SqlDialect, string> Select);

    private static readonly Table[] Tables =
    [
        new("users",
            [new("id", Kind.Text, false), new("username", Kind.Text, false), new("bio", Kind.Text, false), new("interests", Kind.Text, false), new("created_at", Kind.Time, false)],
            _ => "SELECT id, username, bio, interests, created_at FROM users ORDER BY created_at, id"),
        new("posts",
            [new("id", Kind.Text, false), new("author_id", Kind.Text, false), new("content", Kind.Text, false), new("interest", Kind.Text, false),
             new("subtopic", Kind.Text, false), new("created_at", Kind.Time, false), new("metadata", Kind.Text, false)],
            d => $"SELECT id, author_id, content, interest, subtopic, created_at, {Text(d, "metadata")} FROM posts ORDER BY created_at, id"),
        new("user_interactions",
            [new("id", Kind.Text, false), new("user_id", Kind.Text, false), new("post_id", Kind.Text, false), new("type", Kind.Text, false),
             new("content", Kind.Text, true), new("created_at", Kind.Time, false), new("metadata", Kind.Text, false), new("interest_match_score", Kind.Number, true)],
            d => $"SELECT id, user_id, post_id, type, content, created_at, {Text(d, "metadata")}, " +
                 (d == SqlDialect.Postgres ? "(metadata ->> 'interest_match_score')::float8" : "json_extract(metadata, '$.interest_match_score')") +
                 " FROM user_interactions ORDER BY created_at, id"),
        new("follows",
            [new("follower_id", Kind.Text, false), new("followee_id", Kind.Text, false), new("created_at", Kind.Time, false), new("metadata", Kind.Text, false)],
            d => $"SELECT follower_id, followee_id, created_at, {Text(d, "metadata")} FROM follows ORDER BY created_at, follower_id, followee_id"),
        new("impressions",
            [new("id", Kind.Text, false), new("slate_id", Kind.Text, false), new("session_id", Kind.Text, false), new("user_id", Kind.Text, false),
             new("post_id", Kind.Text, false), new("position", Kind.Int, false), new("policy", Kind.Text, false), new("score", Kind.Number, false),
             new("propensity", Kind.Number, false), new("candidates", Kind.Int, false), new("is_random", Kind.Bool, false), new("shown_at", Kind.Time, false),
             new("examined", Kind.Bool, false), new("viewed", Kind.Bool, false), new("dwell_ms", Kind.Int, false), new("liked", Kind.Bool, false),
             new("commented", Kind.Bool, false), new("hid", Kind.Bool, false), new("match_score", Kind.Number, false), new("page", Kind.Int, false),
             new("cascade_propensity", Kind.Number, true)],
            _ => "SELECT id, slate_id, session_id, user_id, post_id, position, policy, score, propensity, candidates, is_random, shown_at, examined, viewed, " +
                 "dwell_ms, liked, commented, hid, match_score, page, cascade_propensity FROM impressions ORDER BY shown_at, slate_id, position"),
        new("impression_propensities",
            [new("impression_id", Kind.Text, false), new("policy", Kind.Text, false), new("propensity", Kind.Number, false), new("cascade_propensity", Kind.Number, true)],
            _ => "SELECT impression_id, policy, propensity, cascade_propensity FROM impression_propensities ORDER BY impression_id, policy"),
    ];

    private static string Text(SqlDialect d, string column) => d == SqlDialect.Postgres ? $"{column}::text" : column;

    public static async Task<IReadOnlyList<ExportResult>> ExportAsync(TrainingStore store, ExportFormat format, string outDir, TextWriter progress,
        CancellationToken ct = default, int rowGroupSize = 50_000)
    {
        Directory.CreateDirectory(outDir);
        if (format is ExportFormat.Mind or ExportFormat.Obd) return await RecsysExport.ExportAsync(store, format, outDir, progress, ct);
        if (format == ExportFormat.RecBole) return await RecBoleExport.ExportAsync(store, outDir, progress, ct);
        if (format == ExportFormat.ObdSlate) return await ObdSlateExport.ExportAsync(store, outDir, progress, ct);
        var results = new List<ExportResult>();
        foreach (var table in Tables)
        {
            await using var c = await store.OpenAsync(ct);
            var total = await CountAsync(c, table.Name, ct);
            var path = Path.Combine(outDir, table.Name + (format == ExportFormat.Csv ? ".csv" : ".parquet"));
            await using var cmd = c.CreateCommand();
            cmd.CommandText = await TrainingSchema.ReadableAsync(store.Db, c, table.Select(store.Dialect), ct);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var reporter = new Progress(progress, table.Name, total);
            var rows = format == ExportFormat.Csv
                ? await WriteCsvAsync(reader, table, path, reporter, ct)
                : await WriteParquetAsync(reader, table, path, reporter, rowGroupSize, ct);
            reporter.Done(rows, path);
            results.Add(new ExportResult(table.Name, rows, path));
        }
        return results;
    }

    private static async Task<long> CountAsync(DbConnection c, string table, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private sealed class Progress(TextWriter output, string table, long total)
    {
        private int _lastDecile = -1;

        public void Row(long n)
        {
            if (total < 10_000) return; // small tables: the final line is enough
            var decile = (int)(n * 10 / total);
            if (decile == _lastDecile || decile == 10) return;
            _lastDecile = decile;
            output.WriteLine($"afu export: {table}: {n}/{total} rows ({decile * 10}%)");
        }

        public void Done(long rows, string path) => output.WriteLine($"afu export: {table}: {rows} rows -> {path}");
    }


    internal static double? ReadNumber(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    /// <summary>An integer or a flag (0/1 on SQLite, boolean on PostgreSQL) as a number.</summary>
    internal static long ReadLong(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    internal static string? ReadText(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);

    // ------------------------------------------------------------------ CSV (RFC 4180)

    private static async Task<long> WriteCsvAsync(DbDataReader r, Table table, string path, Progress progress, CancellationToken ct)
    {
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await w.WriteLineAsync(string.Join(',', table.Columns.Select(c => c.Name)));
        long rows = 0;
        var fields = new string[table.Columns.Length];
        while (await r.ReadAsync(ct))
        {
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = table.Columns[i].Kind switch
                {
                    Kind.Time => StoreConnection.ReadTime(r, i).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    Kind.Number => ReadNumber(r, i)?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                    Kind.Int or Kind.Bool => ReadLong(r, i).ToString(CultureInfo.InvariantCulture),
                    _ => Csv(ReadText(r, i)),
                };
            }
            await w.WriteLineAsync(string.Join(',', fields));
            progress.Row(++rows);
        }
        return rows;
    }

    public static string Csv(string? value)
    {
        if (value is null) return "";
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    // ------------------------------------------------------------------ Parquet (row groups of a fixed size)

    private static DataField Field(Column c) => c.Kind switch
    {
        Kind.Time => new DataField<DateTime>(c.Name),
        Kind.Number => new DataField<double?>(c.Name),
        Kind.Int => new DataField<long>(c.Name),
        Kind.Bool => new DataField<bool>(c.Name),
        _ => new DataField<string>(c.Name, c.Nullable),
    };

    private static async Task<long> WriteParquetAsync(DbDataReader r, Table table, string path, Progress progress, int rowGroupSize, CancellationToken ct)
    {
        var fields = table.Columns.Select(Field).ToArray();
        var schema = new ParquetSchema(fields);
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: ct);
        var buffers = table.Columns.Select(c => c.Kind switch
        {
            Kind.Time => (object)new List<DateTime>(rowGroupSize),
            Kind.Number => new List<double?>(rowGroupSize),
            Kind.Int => new List<long>(rowGroupSize),
            Kind.Bool => new List<bool>(rowGroupSize),
            _ => new List<string?>(rowGroupSize),
        }).ToArray();
        long rows = 0;
        var inGroup = 0;

        async Task Flush()
        {
            if (inGroup == 0) return;
            using var group = writer.CreateRowGroup();
            for (var i = 0; i < fields.Length; i++)
            {
                switch (buffers[i])
                {
                    case List<DateTime> t:
                        await group.WriteAsync(fields[i], (ReadOnlyMemory<DateTime>)t.ToArray());
                        t.Clear();
                        break;
                    case List<double?> d:
                        await group.WriteAsync(fields[i], (ReadOnlyMemory<double?>)d.ToArray());
                        d.Clear();
                        break;
                    case List<long> l:
                        await group.WriteAsync(fields[i], (ReadOnlyMemory<long>)l.ToArray());
                        l.Clear();
                        break;
                    case List<bool> b:
                        await group.WriteAsync(fields[i], (ReadOnlyMemory<bool>)b.ToArray());
                        b.Clear();
                        break;
                    case List<string?> s:
                        await group.WriteAsync(fields[i], s.ToArray());
                        s.Clear();
                        break;
                }
            }
            inGroup = 0;
        }

        while (await r.ReadAsync(ct))
        {
            for (var i = 0; i < fields.Length; i++)
            {
                switch (buffers[i])
                {
                    case List<DateTime> t: t.Add(StoreConnection.ReadTime(r, i)); break;
                    case List<double?> d: d.Add(ReadNumber(r, i)); break;
                    case List<long> l: l.Add(ReadLong(r, i)); break;
                    case List<bool> b: b.Add(ReadLong(r, i) != 0); break;
                    case List<string?> s: s.Add(ReadText(r, i)); break;
                }
            }
            rows++;
            progress.Row(rows);
            if (++inGroup >= rowGroupSize) await Flush();
        }
        await Flush();
        return rows;
    }
}
