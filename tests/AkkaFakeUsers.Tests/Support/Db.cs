using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AkkaFakeUsers.Tests.Support;

/// <summary>Reads a run's SQLite database the way a user would: plain SQL.</summary>
public sealed class Db(string path) : IDisposable
{
    private readonly SqliteConnection _c = Open(path);

    private static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        c.Open();
        return c;
    }

    public long Scalar(string sql)
    {
        using var cmd = _c.CreateCommand();
        cmd.CommandText = sql;
        var v = cmd.ExecuteScalar();
        return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
    }

    public List<string> Strings(string sql)
    {
        using var cmd = _c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    public List<(double Score, bool Liked)> ViewsWithLikes() => Rows(
        """
        SELECT json_extract(v.metadata, '$.interest_match_score'),
               EXISTS (SELECT 1 FROM user_interactions l WHERE l.type = 'like' AND l.user_id = v.user_id AND l.post_id = v.post_id)
        FROM user_interactions v WHERE v.type = 'view'
        """, r => (r.GetDouble(0), r.GetInt64(1) == 1));

    public List<T> Rows<T>(string sql, Func<SqliteDataReader, T> map)
    {
        using var cmd = _c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    /// <summary>The journal's view of the impression log: every shown slot of every SlateShown event, as "slate_id#position".</summary>
    public List<string> JournalImpressionIds() => Rows("SELECT message FROM journal WHERE manifest = 'SlateShown'", r =>
        {
            using var doc = System.Text.Json.JsonDocument.Parse((byte[])r.GetValue(0));
            var slate = doc.RootElement.GetProperty("slateId").GetString();
            return doc.RootElement.GetProperty("items").EnumerateArray().Select(i => $"{slate}#{i.GetProperty("position").GetInt32()}").ToList();
        }).SelectMany(x => x).ToList();

    /// <summary>Rows of every training table that one journal event makes (a slate makes one impression row per shown post: counted once here).</summary>
    public const string RowsPerEventSql =
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM posts) + (SELECT COUNT(*) FROM user_interactions) + (SELECT COUNT(*) FROM follows) + (SELECT COUNT(DISTINCT slate_id) FROM impressions)";

    public void Dispose() => _c.Dispose();

    /// <summary>Every row of every training table, each as one line of all its columns, in key order.</summary>
    public Dictionary<string, List<string>> TrainingRows()
    {
        var keys = new Dictionary<string, string>
        {
            ["users"] = "id", ["posts"] = "id", ["user_interactions"] = "id", ["follows"] = "follower_id, followee_id", ["impressions"] = "id",
            ["impression_propensities"] = "impression_id, policy",
        };
        return keys.ToDictionary(k => k.Key, k => Rows($"SELECT * FROM {k.Key} ORDER BY {k.Value}", r =>
        {
            var sb = new System.Text.StringBuilder();
            for (var i = 0; i < r.FieldCount; i++) sb.Append(r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
            return sb.ToString();
        }));
    }

    /// <summary>Two runs' <see cref="TrainingRows"/> are the same, table by table and row by row (the first differing row is named).</summary>
    public static void AssertSameRows(Dictionary<string, List<string>> a, Dictionary<string, List<string>> b, string aName, string bName)
    {
        foreach (var (table, rows) in a)
        {
            var other = b[table];
            Assert.True(rows.Count == other.Count, $"{table}: {rows.Count} rows ({aName}) against {other.Count} ({bName})");
            var diff = Enumerable.Range(0, rows.Count).FirstOrDefault(i => rows[i] != other[i], -1);
            Assert.True(diff < 0, $"{table} row {diff}:\n{(diff < 0 ? "" : rows[diff])}\n{(diff < 0 ? "" : other[diff])}");
        }
    }
}
