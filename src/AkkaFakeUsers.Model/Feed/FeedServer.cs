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
        UsesExternal = AnyExternal(serving);
        Pool = new CandidatePool(serving.PoolSize, serving.MaxAge);
    }

    public FeedServing Serving { get; private set; }

    public CandidatePool Pool { get; }

    public long SlatesServed { get; private set; }
    public long RandomSlates { get; private set; }
    public long Impressions { get; private set; }
    public long EmptySlates { get; private set; }
    public Dictionary<string, long> SlatesByPolicy { get; } = new();

    public void UseMix(PolicyMix mix)
    {
        Serving = Serving with { Mix = mix };
        UsesExternal = AnyExternal(Serving);
    }

    /// <summary>Serves a slate of built-in policies at once (an external policy not asked is ranked by its fallback).</summary>
    public SlateServed Serve(SlateRequest r) => Finish(Prepare(r), NoScores);

    /// <summary>No external policy's scores: what <see cref="Finish"/> takes for a slate that needs none.</summary>
    public static readonly IReadOnlyDictionary<string, double[]> NoScores = new Dictionary<string, double[]>();

    /// <summary>Whether any policy of the mix or the shadows is served over HTTP (then the feed remembers what it showed each user); set with the mix.</summary>
    public bool UsesExternal { get; private set; }

    private static bool AnyExternal(FeedServing s) => s.Mix.Parts.Any(p => p.Spec.External is not null) || s.Shadows.Any(x => x.External is not null);

    /// <summary>
    /// The first half of serving: the policy, the random draws' source, the candidates and their features, fixed now (the
    /// pool may move on while an external policy's scores are awaited). <see cref="PreparedSlate.Externals"/> names the
    /// external policies whose scores <see cref="Finish"/> needs.
    /// </summary>
    public PreparedSlate Prepare(SlateRequest r)
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
        Grow(n);
        FillFeatures(r);
        var externals = new List<string>();
        if (n > 0)
        {
            if (!forceRandom && spec.External is { } serving) externals.Add(serving);
            foreach (var s in Serving.Shadows)
                if (s.External is { } shadow && s.EffectiveEpsilon < 1 && !externals.Contains(shadow)) externals.Add(shadow);
        }
        // a slate finished at once reads the feed's buffers; one that waits for a service keeps copies
        return externals.Count == 0
            ? new PreparedSlate(r, spec, rng, forceRandom, _candidates, new ArraySegment<CandidateFeatures>(_features, 0, n), externals)
            : new PreparedSlate(r, spec, rng, forceRandom, _candidates.ToArray(), _features.AsSpan(0, n).ToArray(), externals);
    }

    /// <summary>
    /// The second half: scores (an external policy's from <paramref name="externalScores"/>, one per candidate in the prepared
    /// order; a missing one ranks by the fallback, logged as fallback:NAME, or leaves that shadow's propensities out), the
    /// sample, the exact propensities.
    /// </summary>
    public SlateServed Finish(PreparedSlate prepared, IReadOnlyDictionary<string, double[]> externalScores)
    {
        var (r, spec, rng, forceRandom) = (prepared.Request, prepared.Spec, prepared.Random, prepared.ForceRandom);
        var candidates = prepared.Candidates;
        var features = prepared.Features;
        var n = candidates.Count;
        var name = spec.Name;
        if (n == 0)
        {
            EmptySlates++;
            return new SlateServed(r.SlateId, r.SessionId, forceRandom ? "random" : name, 0, forceRandom, [], r.Ticket);
        }
        double[]? external = null;
        if (!forceRandom && spec.External is { } ext && !externalScores.TryGetValue(ext, out external))
        {
            name = "fallback:" + ((ExternalPolicy)spec.Policy).Fallback.Name;
            Fallbacks[ext] = Fallbacks.GetValueOrDefault(ext) + 1;
        }
        // the buffers grew to n in Prepare (they only grow)
        var scores = _scores.AsSpan(0, n);
        for (var i = 0; i < n; i++) scores[i] = external is not null ? external[i] : spec.Policy.Score(features[i]);
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
                    if (s.External is { } se)
                    {
                        // an external shadow that gave no scores (its failed call is counted by the caller): its propensities are unknown for this slate, so none is logged
                        if (!externalScores.TryGetValue(se, out var given)) continue;
                        given.AsSpan(0, n).CopyTo(ss);
                    }
                    else
                        for (var i = 0; i < n; i++) ss[i] = s.Policy.Score(features[i]);
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
            items[p] = new SlateItem(candidates[c].Post, p + 1, slate.Scores[p], slate.Propensities[p], features[c], shadow?[p], slate.Cascade[p], shadowCascade?[p]);
        }
        var policy = forceRandom ? "random" : name;
        SlatesServed++;
        Impressions += items.Length;
        if (forceRandom) RandomSlates++;
        SlatesByPolicy[policy] = SlatesByPolicy.GetValueOrDefault(policy) + 1;
        if (UsesExternal) Remember(r.UserId, r.Now, items);
        return new SlateServed(r.SlateId, r.SessionId, policy, n, forceRandom, items, r.Ticket);
    }

    /// <summary>Slates an external policy (by NAME) was to serve but gave no scores for, so its fallback ranked them.</summary>
    public Dictionary<string, long> Fallbacks { get; } = new(StringComparer.Ordinal);

    /// <summary>What the feed showed a user lately (at most <see cref="RecentPerUser"/>, newest last): observable history for an external policy.</summary>
    public IReadOnlyCollection<ShownPost> RecentlyShown(string userId) =>
        _recent.TryGetValue(userId, out var q) ? q : Array.Empty<ShownPost>();

    public const int RecentPerUser = 20;
    private const int RecentUsers = 200_000;
    private readonly Dictionary<string, Queue<ShownPost>> _recent = new(StringComparer.Ordinal);

    private void Remember(string userId, DateTime at, SlateItem[] items)
    {
        if (!_recent.TryGetValue(userId, out var q))
        {
            if (_recent.Count >= RecentUsers) _recent.Clear(); // bounded: a history starts again rather than grow without end
            _recent[userId] = q = new Queue<ShownPost>(RecentPerUser);
        }
        foreach (var i in items)
        {
            if (q.Count == RecentPerUser) q.Dequeue();
            q.Enqueue(new ShownPost(i.Post.PostId, i.Position, at));
        }
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

/// <summary>A post the feed showed a user, at which position and when.</summary>
public sealed record ShownPost(string PostId, int Position, DateTime At);

/// <summary>A slate between <see cref="FeedServer.Prepare"/> and <see cref="FeedServer.Finish"/>: everything the slate depends on, fixed.</summary>
public sealed record PreparedSlate(SlateRequest Request, PolicySpec Spec, Random Random, bool ForceRandom, IReadOnlyList<PoolPost> Candidates,
    IReadOnlyList<CandidateFeatures> Features, IReadOnlyList<string> Externals);
