using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>With a fixed --seed and the built-in generator, two runs make the same decisions.</summary>
[Collection("end-to-end")]
public class DeterminismTests
{
    private static async Task<Db> RunOnce(TempDir dir, string seed)
    {
        var code = await AfuApp.RunAsync(["run", "--users", "12", "--seed", seed, "--duration", "8s", "--data-dir", dir.Path, "--time-scale", "20", "--llm", "builtin"],
            new StringWriter(), new StringWriter(), CancellationToken.None,
            // Interest drift makes a score depend on the likes made before it, whose order follows real-time scheduling.
            TestEnv.Isolated(("AFU__BEHAVIOUR__DRIFT__ENABLED", "off"), ("AFU__SESSIONS__INTERVAL", "20s")));
        Assert.Equal(0, code);
        return new Db(Path.Combine(dir.Path, "afu.db"));
    }

    [Fact]
    public async Task Two_runs_with_the_same_seed_make_the_same_users_texts_and_reactions()
    {
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        using var d3 = new TempDir();
        using var a = await RunOnce(d1, "42");
        using var b = await RunOnce(d2, "42");
        using var other = await RunOnce(d3, "43");

        const string users = "SELECT id || '|' || username || '|' || bio FROM users ORDER BY id";
        Assert.Equal(a.Strings(users), b.Strings(users));
        Assert.NotEqual(a.Strings(users), other.Strings(users));

        // Timing decides which posts exist when the run stops; every post both runs have is the same text on the same topic.
        const string posts = "SELECT id || '|' || interest || '|' || subtopic || '|' || content FROM posts";
        var pa = a.Strings(posts).ToDictionary(p => p.Split('|')[0]);
        var pb = b.Strings(posts).ToDictionary(p => p.Split('|')[0]);
        var common = pa.Keys.Intersect(pb.Keys).ToList();
        Assert.True(common.Count >= 10, $"{common.Count} posts in common");
        Assert.All(common, id => Assert.Equal(pa[id], pb[id]));

        // Which posts a slate holds depends on what reached the pool in time (real-time scheduling), but the same user shown the
        // same slate, none of whose posts it opened or hid before, reads it the same way: same examined, opened, liked and
        // hidden slots, same match scores.
        var sa = Slates(a);
        var sb = Slates(b);
        var same = sa.Keys.Intersect(sb.Keys).Where(k => sa[k].Posts == sb[k].Posts && sa[k].Fresh && sb[k].Fresh).ToList();
        Assert.True(same.Count >= 10, $"{same.Count} slates with the same unseen posts in both runs");
        Assert.All(same, k => Assert.Equal(sa[k].Outcomes, sb[k].Outcomes));
    }

    /// <summary>Each slate: its posts in order, what the user did per slot, and whether every post was new to the user.</summary>
    private static Dictionary<string, (string Posts, string Outcomes, bool Fresh)> Slates(Db db)
    {
        var rows = db.Rows("SELECT slate_id, user_id, post_id, examined || viewed || liked || hid, printf('%.4f', match_score), viewed + hid FROM impressions ORDER BY shown_at, slate_id, position",
            r => (Slate: r.GetString(0), User: r.GetString(1), Post: r.GetString(2), Outcome: r.GetString(3), Match: r.GetString(4), Seen: r.GetInt64(5) > 0));
        var seen = new HashSet<(string, string)>();
        var result = new Dictionary<string, (string, string, bool)>();
        foreach (var g in rows.GroupBy(r => r.Slate))
        {
            var slots = g.ToList();
            var fresh = slots.All(s => !seen.Contains((s.User, s.Post)));
            result[g.Key] = (string.Join(' ', slots.Select(s => s.Post)), string.Join(' ', slots.Select(s => s.Outcome + ":" + s.Match)), fresh);
            foreach (var s in slots.Where(s => s.Seen)) seen.Add((s.User, s.Post));
        }
        return result;
    }
}
