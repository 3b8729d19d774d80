using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Feed;

/// <summary>How a node's feed serves slates (afu.feed in simulation.conf).</summary>
/// <param name="Exploration">The epsilon of a policy named without one (afu.feed.exploration).</param>
/// <param name="Candidates">At most this many posts are retrieved and scored per slate.</param>
/// <param name="RandomShare">Share of slates that are a uniformly random ordering, flagged is_random.</param>
/// <param name="Shadows">Policies whose propensities are logged beside the serving one's (for off-policy evaluation).</param>
/// <param name="PerSlate">The mix's shares are drawn per slate (an A/B test randomised by session) instead of per user.</param>
public sealed record FeedServing(long Seed, PolicyMix Mix, double Exploration, int Candidates, double RandomShare, int PoolSize, TimeSpan MaxAge,
    IReadOnlyList<PolicySpec> Shadows, LearnedModel Learned, bool PerSlate = false);

/// <summary>
/// The feed's logic without the actor: the candidate pool, the policy mix, and serving one slate (retrieve, score, sample,
/// compute propensities). Random draws are seeded by (run seed, slate id): the same pool and request give the same slate.
/// </summary>
public sealed class FeedServer
{
    private readonly List<PoolPost> _candidates = new();
    private double[] _scores = new double[256];
    private double[] _shadowScores = new double[256];
    private CandidateFeatures[] _features = new CandidateFeatures[256];
    private double[] _matchByTopic = new double[64];
    private readonly List<string> _interestNames = new();

    public FeedServer(FeedServing serving)
    {
        Serving = serving;
        Pool = new CandidatePool(serving.PoolSize, serving.MaxAge);
    }

    public FeedServing Serving { get; private set; }

    public CandidatePool Pool { get; }

    public long SlatesServed { get; private set; }
    public long RandomSlates { get; private set; }
    public long Impressions { get; private set; }
    public long EmptySlates { get; private set; }
    public Dictionary<string, long> SlatesByPolicy { get; } = new();

    public void UseMix(PolicyMix mix) => Serving = Serving with { Mix = mix };

    public SlateServed Serve(SlateRequest r)
    {
        var spec = Serving.Mix.For(Serving.Seed, Serving.PerSlate ? r.SlateId : r.UserId);
        var rng = DeterministicRandom.For(Serving.Seed, "slate", r.SlateId);
        var forceRandom = rng.NextDouble() < Serving.RandomShare;

        // what the slate may see is fixed by the instant before which everything has arrived, never by arrival order
        var visible = r.VisibleBefore ?? r.Now;
        Pool.Flush(visible);
        _interestNames.Clear();
        foreach (var i in r.Interests) _interestNames.Add(i.Interest);
        Pool.Retrieve(r.UserId, _interestNames, r.Following, r.Now, Serving.Candidates, _candidates, r.Seen, visible, r.Exclude);
        var n = _candidates.Count;
        if (n == 0)
        {
            EmptySlates++;
            return new SlateServed(r.SlateId, r.SessionId, forceRandom ? "random" : spec.Name, 0, forceRandom, [], r.Ticket);
        }
        Grow(n);
        FillFeatures(r);
        var scores = _scores.AsSpan(0, n);
        for (var i = 0; i < n; i++) scores[i] = spec.Policy.Score(_features[i]);
        var slate = SlateSampler.Sample(scores, r.Size, spec.EffectiveEpsilon, spec.Policy.Uniform, forceRandom, rng);

        Dictionary<string, double>[]? shadow = null, shadowCascade = null;
        if (Serving.Shadows.Count > 0)
        {
            shadow = new Dictionary<string, double>[slate.Candidates.Length];
            shadowCascade = new Dictionary<string, double>[slate.Candidates.Length];
            for (var p = 0; p < shadow.Length; p++)
            {
                shadow[p] = new Dictionary<string, double>(Serving.Shadows.Count);
                shadowCascade[p] = new Dictionary<string, double>(Serving.Shadows.Count);
            }
            foreach (var s in Serving.Shadows)
            {
                // a uniform policy (epsilon 1) needs no scores: its top list plays no part
                int[] greedy = [];
                if (s.EffectiveEpsilon < 1)
                {
                    var ss = _shadowScores.AsSpan(0, n);
                    for (var i = 0; i < n; i++) ss[i] = s.Policy.Score(_features[i]);
                    greedy = SlateSampler.TopK(ss, slate.Candidates.Length);
                }
                var q = SlateSampler.Propensities(greedy, slate.Candidates, s.EffectiveEpsilon, n);
                var qc = SlateSampler.CascadePropensities(greedy, slate.Candidates, s.EffectiveEpsilon, n);
                for (var p = 0; p < shadow.Length; p++)
                {
                    shadow[p][s.Name] = q[p];
                    shadowCascade![p][s.Name] = qc[p];
                }
            }
        }

        var items = new SlateItem[slate.Candidates.Length];
        for (var p = 0; p < items.Length; p++)
        {
            var c = slate.Candidates[p];
            items[p] = new SlateItem(_candidates[c].Post, p + 1, slate.Scores[p], slate.Propensities[p], _features[c], shadow?[p], slate.Cascade[p], shadowCascade?[p]);
        }
        var policy = forceRandom ? "random" : spec.Name;
        SlatesServed++;
        Impressions += items.Length;
        if (forceRandom) RandomSlates++;
        SlatesByPolicy[policy] = SlatesByPolicy.GetValueOrDefault(policy) + 1;
        return new SlateServed(r.SlateId, r.SessionId, policy, n, forceRandom, items, r.Ticket);
    }

    public void Learn(SlateFeedback f)
    {
        foreach (var (features, liked) in f.Examined) Serving.Learned.Learn(features, liked);
    }

    private void FillFeatures(SlateRequest r)
    {
        if (_matchByTopic.Length < Pool.Topics) _matchByTopic = new double[Math.Max(Pool.Topics, 2 * _matchByTopic.Length)];
        Array.Fill(_matchByTopic, double.NaN, 0, Pool.Topics);
        var follows = r.Following;
        for (var i = 0; i < _candidates.Count; i++)
        {
            var c = _candidates[i];
            var post = c.Post;
            var match = _matchByTopic[c.Topic];
            if (double.IsNaN(match)) _matchByTopic[c.Topic] = match = Matching.Score(r.Interests, post.Interest, post.Subtopic);
            var followed = follows.Count > 0 && follows.Contains(post.UserId);
            _features[i] = new CandidateFeatures(match, c.Likes, Math.Max(0, (r.Now - post.CreatedAt).TotalHours), followed, post.Trending);
        }
    }

    private void Grow(int n)
    {
        if (_scores.Length >= n) return;
        var size = Math.Max(n, 2 * _scores.Length);
        _scores = new double[size];
        _shadowScores = new double[size];
        _features = new CandidateFeatures[size];
    }
}
