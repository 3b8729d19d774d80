using System.Globalization;
using System.Text;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Dataset;

/// <summary>
/// The impression log in the formats recommender research loads as they are:
/// <list type="bullet">
/// <item>MIND (<see cref="ExportFormat.Mind"/>): <c>behaviors.tsv</c>, one row per slate: impression id (1, 2, … in time
/// order), user id, time (M/d/yyyy h:mm:ss AM), history (the posts the user opened before this slate, oldest first, at most
/// <see cref="HistoryKept"/>), and the slate in position order as <c>postid-1 postid-0 …</c> (1 = opened, MIND's click);
/// <c>news.tsv</c>, one row per post: post id, category (interest), subcategory (subtopic), title (first sentence), abstract
/// (the text), URL (empty), title and abstract entities (<c>[]</c>). No header, as in MIND. MIND splits <c>id-label</c> on
/// the dash, so ids are written with '-' as '_' (<c>user-4/post-2</c> is <c>user_4/post_2</c>; <see cref="MindId"/>).</item>
/// <item>Open Bandit (<see cref="ExportFormat.Obd"/>): <c>obd.csv</c>, one row per impression, with OBD's columns
/// <c>timestamp,item_id,position,click,propensity_score</c> (click = opened) and then the slate, policy, random flag,
/// candidate count, the user, the page of the session, liked (0/1), the post's interest, and the user's declared interests as
/// <c>user_feature_&lt;interest&gt;</c> 0/1 columns.</item>
/// </list>
/// Both stream: memory holds only the users' recent histories and interests.
/// </summary>
public static class RecsysExport
{
    public const int HistoryKept = 50;

    public const string ObdHeader = "timestamp,item_id,position,click,propensity_score,slate_id,policy,is_random,candidates,user_id,page,liked,item_interest";

    public static string MindId(string id) => id.Replace('-', '_');

    public static string FromMindId(string id) => id.Replace('_', '-');

    public static string MindTime(DateTime t) => t.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture);

    public static async Task<IReadOnlyList<ExportResult>> ExportAsync(TrainingStore store, ExportFormat format, string outDir, TextWriter progress, CancellationToken ct)
    {
        var results = format == ExportFormat.Mind
            ? new[] { await WriteNewsAsync(store, outDir, ct), await WriteBehaviorsAsync(store, outDir, ct) }
            : new[] { await WriteObdAsync(store, outDir, ct) };
        foreach (var r in results) await progress.WriteLineAsync($"afu export: {r.Table}: {r.Rows} rows -> {r.Path}");
        return results;
    }

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    public static string Title(string content)
    {
        var text = Clean(content);
        var end = text.IndexOfAny(['.', '!', '?']);
        var title = end > 0 ? text[..(end + 1)] : text;
        return title.Length > 120 ? title[..120].TrimEnd() : title;
    }

    private static async Task<ExportResult> WriteNewsAsync(TrainingStore store, string outDir, CancellationToken ct)
    {
        var path = Path.Combine(outDir, "news.tsv");
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await using var c = await store.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, interest, subtopic, content FROM posts ORDER BY created_at, id";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        long rows = 0;
        while (await r.ReadAsync(ct))
        {
            var content = r.GetString(3);
            await w.WriteLineAsync(string.Join('\t', MindId(r.GetString(0)), Clean(r.GetString(1)), Clean(r.GetString(2)), Title(content), Clean(content), "", "[]", "[]"));
            rows++;
        }
        return new ExportResult("news", rows, path);
    }

    /// <summary>The impression log one slate at a time, in time order.</summary>
    private static async IAsyncEnumerable<List<DsImpression>> SlatesAsync(TrainingStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var slate = new List<DsImpression>();
        await foreach (var s in DatasetTables.ImpressionsAsync(store, ct))
        {
            if (slate.Count > 0 && slate[0].SlateId != s.SlateId)
            {
                yield return slate;
                slate = new List<DsImpression>();
            }
            slate.Add(s);
        }
        if (slate.Count > 0) yield return slate;
    }

    private static async Task<ExportResult> WriteBehaviorsAsync(TrainingStore store, string outDir, CancellationToken ct)
    {
        var path = Path.Combine(outDir, "behaviors.tsv");
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var history = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
        long rows = 0;
        await foreach (var slate in SlatesAsync(store, ct))
        {
            var user = slate[0].UserId;
            if (!history.TryGetValue(user, out var h)) history[user] = h = new Queue<string>();
            var shown = string.Join(' ', slate.Select(s => $"{MindId(s.PostId)}-{(s.Viewed ? 1 : 0)}"));
            await w.WriteLineAsync(string.Join('\t', (++rows).ToString(CultureInfo.InvariantCulture), MindId(user), MindTime(slate[0].ShownAt),
                string.Join(' ', h.Select(MindId)), shown));
            foreach (var s in slate.Where(s => s.Viewed))
            {
                h.Enqueue(s.PostId);
                if (h.Count > HistoryKept) h.Dequeue();
            }
        }
        return new ExportResult("behaviors", rows, path);
    }

    private static async Task<ExportResult> WriteObdAsync(TrainingStore store, string outDir, CancellationToken ct)
    {
        var interests = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using (var c = await store.OpenAsync(ct))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, interests FROM users";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                interests[r.GetString(0)] = r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        }
        // each post's interest (its topic), interned: the reference ranking service (examples/) learns a user x topic like rate from it
        var topics = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var c = await store.OpenAsync(ct))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, interest FROM posts";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) topics[r.GetString(0)] = string.Intern(r.GetString(1));
        }
        var catalog = InterestCatalog.Names.ToArray();
        var path = Path.Combine(outDir, "obd.csv");
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await w.WriteLineAsync(ObdHeader + string.Concat(catalog.Select(i => ",user_feature_" + i)));
        long rows = 0;
        await foreach (var slate in SlatesAsync(store, ct))
        foreach (var s in slate)
        {
            var mine = interests.GetValueOrDefault(s.UserId) ?? [];
            await w.WriteLineAsync(string.Join(',',
                s.ShownAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture), Exporter.Csv(s.PostId),
                s.Position.ToString(CultureInfo.InvariantCulture), s.Viewed ? "1" : "0", s.Propensity.ToString("R", CultureInfo.InvariantCulture),
                Exporter.Csv(s.SlateId), Exporter.Csv(s.Policy), s.IsRandom ? "1" : "0", s.Candidates.ToString(CultureInfo.InvariantCulture), Exporter.Csv(s.UserId),
                s.Page.ToString(CultureInfo.InvariantCulture), s.Liked ? "1" : "0", Exporter.Csv(topics.GetValueOrDefault(s.PostId, "")))
                + string.Concat(catalog.Select(i => mine.Contains(i) ? ",1" : ",0")));
            rows++;
        }
        return new ExportResult("obd", rows, path);
    }
}
