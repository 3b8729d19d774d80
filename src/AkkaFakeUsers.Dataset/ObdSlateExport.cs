using System.Data.Common;
using System.Globalization;
using System.Text;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Dataset;

/// <summary>
/// The impression log as Open Bandit Pipeline's slate estimators read it (<see cref="ExportFormat.ObdSlate"/>):
/// <c>obd_slate.csv</c>, one row per shown post, slates in time order and positions in order, with the arrays of
/// <c>obp.dataset.SyntheticSlateBanditDataset.obtain_batch_bandit_feedback</c>:
/// <list type="bullet">
/// <item><c>slate_id</c> (0, 1, … in time order: OBP wants non-negative integers), <c>position</c> (from 0, as OBP counts: the
/// impression's position minus 1), <c>action</c> (the post's index, 0, 1, … over the posts table by created_at, then id),
/// <c>reward</c> (liked, the label <c>afu dataset evaluate</c> estimates);</item>
/// <item>the logging policy's <c>pscore</c> (the whole slate's probability: the cascade propensity at the slate's last position,
/// the same on every row of the slate, as SlateStandardIPS checks), <c>pscore_item_position</c> (the logged propensity of the
/// post at its position: SlateIndependentIPS) and <c>pscore_cascade</c> (the probability of the slate's positions 1..k as
/// shown: SlateRewardInteractionIPS);</item>
/// <item>the same three for every shadow policy P, <c>P_pscore</c>, <c>P_pscore_item_position</c>, <c>P_pscore_cascade</c>,
/// for OBP's <c>evaluation_policy_pscore*</c> arguments;</item>
/// <item>then what identifies the row in the tables: <c>timestamp</c>, <c>afu_slate_id</c>, <c>user_id</c>, <c>item_id</c>,
/// <c>policy</c>, <c>is_random</c>, <c>page</c>, and the other labels <c>opened</c>, <c>commented</c>, <c>hid</c>.</item>
/// </list>
/// A probability the store does not hold is written empty: the cascade propensities of impressions logged before they were,
/// null or in a store without the column (and so the slate's <c>pscore</c> wherever one of its positions lacks it), and a shadow policy's three columns on a slot it
/// was not logged for. The export says how many impressions lack the cascade. Streams: memory holds one slate and the post index.
/// </summary>
public static class ObdSlateExport
{
    public const string FileName = "obd_slate.csv";

    public static readonly string[] Head = ["slate_id", "position", "action", "reward", "pscore", "pscore_item_position", "pscore_cascade"];

    public static readonly string[] Tail = ["timestamp", "afu_slate_id", "user_id", "item_id", "policy", "is_random", "page", "opened", "commented", "hid"];

    /// <summary>A shadow policy's name as a column prefix: letters, digits and '_'.</summary>
    public static string ColumnPrefix(string policy) =>
        string.Concat(policy.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));

    public static IEnumerable<string> ShadowColumns(string policy)
    {
        var p = ColumnPrefix(policy);
        return [p + "_pscore", p + "_pscore_item_position", p + "_pscore_cascade"];
    }

    private sealed record Row(string Id, string SlateId, string UserId, string PostId, int Position, string Policy, double Propensity, double? Cascade,
        DateTime ShownAt, bool Viewed, bool Liked, bool Commented, bool Hid, int Page, bool IsRandom)
    {
        public Dictionary<string, (double Propensity, double? Cascade)> Shadow { get; } = new(StringComparer.Ordinal);
    }

    public static async Task<IReadOnlyList<ExportResult>> ExportAsync(TrainingStore store, string outDir, TextWriter progress, CancellationToken ct)
    {
        await using var c = await store.OpenAsync(ct);
        var policies = (await ListAsync(c, "SELECT DISTINCT policy FROM impression_propensities", ct)).Order(StringComparer.Ordinal).ToList();
        var clash = policies.GroupBy(ColumnPrefix).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new InvalidDataException($"shadow policies {string.Join(" and ", clash.Select(p => $"'{p}'"))} would share the columns {clash.Key}_pscore*: rename one");
        // the posts in time order, ties by id compared ordinally (not by the database's collation): the same actions on SQLite and PostgreSQL
        var posts = new List<(DateTime CreatedAt, string Id)>();
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT created_at, id FROM posts";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) posts.Add((StoreConnection.ReadTime(r, 0), r.GetString(1)));
        }
        posts.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        var actions = new Dictionary<string, int>(posts.Count, StringComparer.Ordinal);
        foreach (var (_, id) in posts) actions[id] = actions.Count;

        var path = Path.Combine(outDir, FileName);
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await w.WriteLineAsync(string.Join(',', Head.Concat(policies.SelectMany(ShadowColumns)).Concat(Tail)));
        long rows = 0, slates = 0, noCascade = 0;
        var cascade = await TrainingSchema.HasColumnAsync(store.Db, c, "impressions", "cascade_propensity", ct) ? "i.cascade_propensity" : "NULL";
        var shadowCascade = await TrainingSchema.HasColumnAsync(store.Db, c, "impression_propensities", "cascade_propensity", ct) ? "s.cascade_propensity" : "NULL";
        await foreach (var slate in SlatesAsync(c, cascade, shadowCascade, ct))
        {
            var last = slate[^1];
            var pscore = slate.All(r => r.Cascade is not null) ? last.Cascade : null;
            var shadowPscore = policies.ToDictionary(p => p, p => slate.All(r => r.Shadow.TryGetValue(p, out var s) && s.Cascade is not null) ? last.Shadow[p].Cascade : null,
                StringComparer.Ordinal);
            foreach (var r in slate)
            {
                if (!actions.TryGetValue(r.PostId, out var action))
                    throw new InvalidDataException($"table impressions, row {r.Id}: post {r.PostId} is not in the posts table");
                var fields = new List<string>(Head.Length + 3 * policies.Count + Tail.Length)
                {
                    Int(slates), Int(r.Position - 1), Int(action), Flag(r.Liked), Num(pscore), Num(r.Propensity), Num(r.Cascade),
                };
                foreach (var p in policies)
                {
                    var logged = r.Shadow.TryGetValue(p, out var s);
                    fields.AddRange([Num(shadowPscore[p]), logged ? Num(s.Propensity) : "", Num(logged ? s.Cascade : null)]);
                }
                fields.AddRange([r.ShownAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture), Exporter.Csv(r.SlateId), Exporter.Csv(r.UserId),
                    Exporter.Csv(r.PostId), Exporter.Csv(r.Policy), Flag(r.IsRandom), Int(r.Page), Flag(r.Viewed), Flag(r.Commented), Flag(r.Hid)]);
                await w.WriteLineAsync(string.Join(',', fields));
                rows++;
                if (r.Cascade is null) noCascade++;
            }
            slates++;
        }
        await progress.WriteLineAsync($"afu export: obd_slate: {rows} rows ({slates} slates, shadow policies: {(policies.Count == 0 ? "none" : string.Join(", ", policies))}) -> {path}");
        if (noCascade > 0)
            await progress.WriteLineAsync($"afu export: obd_slate: {noCascade} of {rows} impressions have no cascade propensity (logged before cascade propensities were): " +
                                          "their pscore_cascade and their slates' pscore are empty; pscore_item_position is complete (SlateIndependentIPS)");
        return [new ExportResult("obd_slate", rows, path)];
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Flag(bool b) => b ? "1" : "0";

    private static string Num(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static async Task<List<string>> ListAsync(DbConnection c, string sql, CancellationToken ct)
    {
        var list = new List<string>();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>The impression log one slate at a time, in time order, each slot with its shadow propensities (one joined query, streamed).</summary>
    private static async IAsyncEnumerable<List<Row>> SlatesAsync(DbConnection c, string cascade, string shadowCascade,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText =
            $"SELECT i.id, i.slate_id, i.user_id, i.post_id, i.position, i.policy, i.propensity, {cascade}, i.shown_at, i.viewed, i.liked, i.commented, i.hid, " +
            $"i.page, i.is_random, s.policy, s.propensity, {shadowCascade} " +
            "FROM impressions i LEFT JOIN impression_propensities s ON s.impression_id = i.id ORDER BY i.shown_at, i.slate_id, i.position, s.policy";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var slate = new List<Row>();
        while (await r.ReadAsync(ct))
        {
            var id = r.GetString(0);
            if (slate.Count == 0 || slate[^1].Id != id)
            {
                var row = new Row(id, r.GetString(1), r.GetString(2), r.GetString(3), checked((int)Exporter.ReadLong(r, 4)), r.GetString(5), r.GetDouble(6),
                    Exporter.ReadNumber(r, 7), StoreConnection.ReadTime(r, 8), Exporter.ReadLong(r, 9) != 0, Exporter.ReadLong(r, 10) != 0, Exporter.ReadLong(r, 11) != 0,
                    Exporter.ReadLong(r, 12) != 0, checked((int)Exporter.ReadLong(r, 13)), Exporter.ReadLong(r, 14) != 0);
                if (slate.Count > 0 && slate[0].SlateId != row.SlateId)
                {
                    yield return slate;
                    slate = new List<Row>();
                }
                slate.Add(row);
            }
            if (!r.IsDBNull(15)) slate[^1].Shadow[r.GetString(15)] = (r.GetDouble(16), Exporter.ReadNumber(r, 17));
        }
        if (slate.Count > 0) yield return slate;
    }
}
