using System.Globalization;
using System.Text;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Dataset;

/// <summary>
/// The training tables as RecBole's atomic files (<see cref="ExportFormat.RecBole"/>), for a dataset named after the output
/// directory (RecBole looks for <c>DATA_PATH/NAME/NAME.inter</c>), tab-separated with a <c>name:type</c> header:
/// <list type="bullet">
/// <item><c>NAME.inter</c>: one row per (user, post) the user opened, liked or commented on, oldest first:
/// <c>user_id:token item_id:token rating:float timestamp:float viewed:float liked:float commented:float</c>; the timestamp is
/// the first of those interactions in unix seconds, the flags are 0/1 and the rating is their sum (1 opened, 2 also liked or
/// commented, 3 both). Every row is a positive: RecBole's general and social models (DiffNet, MHCN, SEPT) sample their
/// negatives themselves, so hides (a hide never follows a view) are left out.</item>
/// <item><c>NAME.user</c>: <c>user_id:token username:token interests:token_seq created_at:float</c> (interests by weight).</item>
/// <item><c>NAME.item</c>: <c>item_id:token author_id:token interest:token subtopic:token created_at:float length:float</c>
/// (the text's length in characters).</item>
/// <item><c>NAME.net</c>: the follow graph, <c>source_id:token target_id:token created_at:float</c>, source the follower and
/// target the followee: RecBole-GNN's DiffNet averages a user's representation over the targets of its source edges, so a user
/// is influenced by those it follows.</item>
/// <item><c>NAME.yaml</c>: the RecBole settings that load all of it (field names, <c>load_col</c>, the directed graph).</item>
/// </list>
/// RecBole reads the files with pandas (tab the separator, a double quote the quote character) and splits token_seq fields on
/// spaces, so <see cref="Field"/> turns tabs and line breaks into spaces and double quotes into single ones, and
/// <see cref="Token"/> also turns spaces into '_' inside a sequence's tokens.
/// </summary>
public static class RecBoleExport
{
    public const string InterHeader = "user_id:token\titem_id:token\trating:float\ttimestamp:float\tviewed:float\tliked:float\tcommented:float";
    public const string UserHeader = "user_id:token\tusername:token\tinterests:token_seq\tcreated_at:float";
    public const string ItemHeader = "item_id:token\tauthor_id:token\tinterest:token\tsubtopic:token\tcreated_at:float\tlength:float";
    public const string NetHeader = "source_id:token\ttarget_id:token\tcreated_at:float";

    /// <summary>The dataset's name: the output directory's own name, as RecBole wants it.</summary>
    public static string DatasetName(string outDir)
    {
        var name = Path.GetFileName(Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"--out '{outDir}': RecBole names a dataset after its directory (DATA_PATH/NAME/NAME.inter); give a directory with a name, e.g. ./recbole/afu");
        return name;
    }

    /// <summary>A field's text as RecBole's reader keeps it whole: no tab, no line break, no double quote.</summary>
    public static string Field(string s) => s.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ').Replace('"', '\'');

    /// <summary>One token of a token_seq field (spaces separate the tokens).</summary>
    public static string Token(string s) => Field(s).Replace(' ', '_');

    /// <summary>A time as RecBole's float timestamps: unix seconds, to the millisecond, never in exponent notation.</summary>
    public static string UnixSeconds(DateTime t) =>
        ((t - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.###", CultureInfo.InvariantCulture);

    public static async Task<IReadOnlyList<ExportResult>> ExportAsync(TrainingStore store, string outDir, TextWriter progress, CancellationToken ct)
    {
        var name = DatasetName(outDir);
        var results = new[]
        {
            await WriteAsync(store, outDir, name, "inter", InterHeader, InterSql(store.Dialect), r =>
            {
                var (viewed, liked, commented) = (Exporter.ReadLong(r, 3), Exporter.ReadLong(r, 4), Exporter.ReadLong(r, 5));
                return [Field(r.GetString(0)), Field(r.GetString(1)), (viewed + liked + commented).ToString(CultureInfo.InvariantCulture),
                    UnixSeconds(StoreConnection.ReadTime(r, 2)), viewed.ToString(CultureInfo.InvariantCulture), liked.ToString(CultureInfo.InvariantCulture),
                    commented.ToString(CultureInfo.InvariantCulture)];
            }, ct),
            await WriteAsync(store, outDir, name, "user", UserHeader, "SELECT id, username, interests, created_at FROM users ORDER BY created_at, id", r =>
                [Field(r.GetString(0)), Field(r.GetString(1)),
                 string.Join(' ', r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Token)),
                 UnixSeconds(StoreConnection.ReadTime(r, 3))], ct),
            await WriteAsync(store, outDir, name, "item", ItemHeader, "SELECT id, author_id, interest, subtopic, created_at, content FROM posts ORDER BY created_at, id", r =>
                [Field(r.GetString(0)), Field(r.GetString(1)), Field(r.GetString(2)), Field(r.GetString(3)), UnixSeconds(StoreConnection.ReadTime(r, 4)),
                 r.GetString(5).Length.ToString(CultureInfo.InvariantCulture)], ct),
            await WriteAsync(store, outDir, name, "net", NetHeader,
                "SELECT follower_id, followee_id, created_at FROM follows ORDER BY created_at, follower_id, followee_id", r =>
                [Field(r.GetString(0)), Field(r.GetString(1)), UnixSeconds(StoreConnection.ReadTime(r, 2))], ct),
        };
        var yaml = Path.Combine(outDir, name + ".yaml");
        await File.WriteAllTextAsync(yaml, Settings(name), new UTF8Encoding(false), ct);
        foreach (var r in results) await progress.WriteLineAsync($"afu export: {r.Table}: {r.Rows} rows -> {r.Path}");
        var dataPath = Path.GetDirectoryName(Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        await progress.WriteLineAsync($"afu export: RecBole dataset '{name}' (data_path {dataPath}), settings in {yaml}");
        return results;
    }

    /// <summary>One row per (user, post) with a view, like or comment: its first time and which of the three it has.</summary>
    private static string InterSql(SqlDialect d)
    {
        string Has(string type) => $"MAX(CASE WHEN type = '{type}' THEN 1 ELSE 0 END)";
        return $"SELECT user_id, post_id, MIN(created_at), {Has("view")}, {Has("like")}, {Has("comment")} FROM user_interactions " +
               "WHERE type IN ('view', 'like', 'comment') GROUP BY user_id, post_id ORDER BY 3, 1, 2";
    }

    /// <summary>RecBole settings for the files: the columns to load and the follow graph kept directed (RecBole-GNN's social_base.yaml makes it undirected).</summary>
    public static string Settings(string name) => $$"""
        # RecBole settings for the dataset '{{name}}' written by afu export --format recbole.
        # run_recbole(model='DiffNet', dataset='{{name}}', config_file_list=['{{name}}.yaml'], config_dict={'data_path': '<the directory that holds {{name}}/>'})
        field_separator: "\t"
        seq_separator: " "
        USER_ID_FIELD: user_id
        ITEM_ID_FIELD: item_id
        RATING_FIELD: rating
        TIME_FIELD: timestamp
        NET_SOURCE_ID_FIELD: source_id
        NET_TARGET_ID_FIELD: target_id
        load_col:
          inter: [user_id, item_id, rating, timestamp, viewed, liked, commented]
          user: [user_id, interests]
          item: [item_id, author_id, interest, subtopic, created_at, length]
          net: [source_id, target_id]
        # follows are directed: source follows target
        undirected_net: False
        filter_net_by_inter: True

        """;

    private static async Task<ExportResult> WriteAsync(TrainingStore store, string outDir, string name, string suffix, string header, string sql,
        Func<System.Data.Common.DbDataReader, string[]> row, CancellationToken ct)
    {
        var path = Path.Combine(outDir, $"{name}.{suffix}");
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        await w.WriteLineAsync(header);
        await using var c = await store.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        long rows = 0;
        while (await r.ReadAsync(ct))
        {
            await w.WriteLineAsync(string.Join('\t', row(r)));
            rows++;
        }
        return new ExportResult(name + "." + suffix, rows, path);
    }
}
