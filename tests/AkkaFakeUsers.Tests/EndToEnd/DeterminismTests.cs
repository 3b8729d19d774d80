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
            TestEnv.Isolated(("AFU__BEHAVIOUR__DRIFT__ENABLED", "off")));
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

        // The same user meeting the same post decides the same way: same score, same like.
        const string reactions = "SELECT v.user_id || '|' || v.post_id || '|' || json_extract(v.metadata, '$.interest_match_score') || '|' || " +
                                 "EXISTS (SELECT 1 FROM user_interactions l WHERE l.type = 'like' AND l.user_id = v.user_id AND l.post_id = v.post_id) " +
                                 "FROM user_interactions v WHERE v.type = 'view' AND julianday(v.created_at) < (SELECT julianday(MAX(created_at)) - 61.0 / 86400 FROM user_interactions)";
        var ra = a.Strings(reactions).ToDictionary(r => string.Join('|', r.Split('|').Take(2)));
        var rb = b.Strings(reactions).ToDictionary(r => string.Join('|', r.Split('|').Take(2)));
        var both = ra.Keys.Intersect(rb.Keys).ToList();
        Assert.True(both.Count >= 20, $"{both.Count} (user, post) views in common");
        Assert.All(both, k => Assert.Equal(ra[k], rb[k]));
    }
}
