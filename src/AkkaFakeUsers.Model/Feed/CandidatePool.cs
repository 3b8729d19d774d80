using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Feed;

/// <summary>A post in the pool, with what the feed learns about it after it arrived.</summary>
public sealed class PoolPost(PostPublished post, int topic)
{
    public PostPublished Post { get; } = post;

    /// <summary>Interned (interest, subtopic): a reader's match is computed once per topic per slate.</summary>
    public int Topic { get; } = topic;

    public int Likes { get; set; }

    internal bool Evicted { get; set; }

    /// <summary>The last retrieval that took this post (dedupes a candidate list without a set).</summary>
    internal long Stamp { get; set; }

    /// <summary>Arrival number in the pool: breaks ties between equally liked posts (the newer first) in the likes index.</summary>
    internal long Arrival { get; init; }
}

/// <summary>
/// The feed's candidate pool: the most recent posts (at most <paramref name="capacity"/>, none older than
/// <paramref name="maxAge"/>), indexed by interest, by author and by likes, so that retrieving the few hundred
/// candidates of one slate never scans the pool (every index is kept up to date as posts, likes and evictions come).
/// </summary>
public sealed class CandidatePool(int capacity, TimeSpan maxAge)
{
    /// <summary>Most liked first; among equals the newer first.</summary>
    private sealed class ByLikes : IComparer<PoolPost>
    {
        public static readonly ByLikes Instance = new();

        public int Compare(PoolPost? a, PoolPost? b) => a!.Likes != b!.Likes ? b.Likes.CompareTo(a.Likes) : b.Arrival.CompareTo(a.Arrival);
    }

    /// <summary>Posts in arrival order; evicted ones are skipped and compacted away.</summary>
    private sealed class Recent
    {
        private readonly List<PoolPost> _items = new();
        private int _head;

        public void Add(PoolPost p) => _items.Add(p);

        public PoolPost? Oldest
        {
            get
            {
                SkipEvicted();
                return _head < _items.Count ? _items[_head] : null;
            }
        }

        public void SkipEvicted()
        {
            while (_head < _items.Count && _items[_head].Evicted) _head++;
            if (_head > 1024 && _head > _items.Count / 2)
            {
                _items.RemoveRange(0, _head);
                _head = 0;
            }
        }

        /// <summary>Takes up to <paramref name="want"/> of the newest posts <paramref name="take"/> accepts, looking at no more than 4 x want + 64.</summary>
        public int NewestInto(List<PoolPost> into, int want, Func<PoolPost, bool> take)
        {
            var taken = 0;
            var budget = 4 * want + 64;
            for (var i = _items.Count - 1; i >= _head && taken < want && budget-- > 0; i--)
            {
                var p = _items[i];
                if (p.Evicted || !take(p)) continue;
                into.Add(p);
                taken++;
            }
            return taken;
        }
    }

    private const int PerAuthor = 3;
    private readonly Dictionary<string, PoolPost> _byId = new(StringComparer.Ordinal);
    private readonly Recent _all = new();
    private readonly Dictionary<string, Recent> _byInterest = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<PoolPost>> _byAuthor = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _topics = new();
    private readonly SortedSet<PoolPost> _liked = new(ByLikes.Instance);
    private readonly PriorityQueue<PostPublished, (DateTime, string)> _stagedPosts = new(StagedOrder);
    private readonly PriorityQueue<string, DateTime> _stagedLikes = new();
    private readonly List<string> _authors = new();
    private long _stamp, _arrivals;

    private static readonly IComparer<(DateTime At, string Id)> StagedOrder =
        Comparer<(DateTime At, string Id)>.Create((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Id, b.Id));

    public int Count => _byId.Count;

    /// <summary>Posts and likes that arrived but are stamped after what the last slate could see.</summary>
    public int Staged => _stagedPosts.Count + _stagedLikes.Count;

    /// <summary>
    /// A post arrived: it joins the pool once a slate is asked for at a later simulated instant (<see cref="Flush"/>), in
    /// the order of its time and id, not of its arrival, so that the pool is the same whatever order pub/sub delivered in.
    /// </summary>
    public void Stage(PostPublished post)
    {
        _stagedPosts.Enqueue(post, (post.CreatedAt, post.PostId));
        // a feed nobody asks for slates keeps no more than its capacity waiting
        if (_stagedPosts.Count > capacity) Add(_stagedPosts.Dequeue());
    }

    /// <summary>A like arrived: it counts once a slate is asked for after <paramref name="at"/> (null: at once).</summary>
    public void StageLike(string postId, DateTime? at)
    {
        if (at is not { } t) Like(postId);
        else _stagedLikes.Enqueue(postId, t);
        if (_stagedLikes.Count > capacity) Like(_stagedLikes.Dequeue());
    }

    /// <summary>Takes in the staged posts and likes stamped before <paramref name="before"/>.</summary>
    public void Flush(DateTime before)
    {
        while (_stagedPosts.TryPeek(out var post, out var key) && key.Item1 < before)
        {
            _stagedPosts.Dequeue();
            Add(post);
        }
        while (_stagedLikes.TryPeek(out var id, out var at) && at < before)
        {
            _stagedLikes.Dequeue();
            Like(id);
        }
    }

    /// <summary>Distinct (interest, subtopic) pairs seen so far: topic numbers run from 0 to this.</summary>
    public int Topics => _topics.Count;

    public bool Contains(string postId) => _byId.ContainsKey(postId);

    /// <summary>A post still in the pool (added, not evicted).</summary>
    public bool TryGet(string postId, out PoolPost post) => _byId.TryGetValue(postId, out post!);

    public void Add(PostPublished post)
    {
        if (_byId.ContainsKey(post.PostId)) return;
        var key = (post.Interest, post.Subtopic);
        if (!_topics.TryGetValue(key, out var topic))
        {
            _topics[key] = topic = _topics.Count;
        }
        var p = new PoolPost(post, topic) { Arrival = ++_arrivals };
        _byId[post.PostId] = p;
        _all.Add(p);
        if (!_byInterest.TryGetValue(post.Interest, out var list)) _byInterest[post.Interest] = list = new Recent();
        list.Add(p);
        if (!_byAuthor.TryGetValue(post.UserId, out var mine)) _byAuthor[post.UserId] = mine = new List<PoolPost>(PerAuthor);
        if (mine.Count == PerAuthor) mine.RemoveAt(0);
        mine.Add(p);
        while (_byId.Count > capacity && _all.Oldest is { } oldest) Evict(oldest);
    }

    public void Like(string postId)
    {
        if (!_byId.TryGetValue(postId, out var p)) return;
        _liked.Remove(p);
        p.Likes++;
        _liked.Add(p);
    }

    /// <summary>Drops posts older than the max age at <paramref name="now"/> (arrival order is creation order, give or take pub/sub).</summary>
    public void Expire(DateTime now)
    {
        var cutoff = now - maxAge;
        while (_all.Oldest is { } oldest && oldest.Post.CreatedAt < cutoff) Evict(oldest);
    }

    private void Evict(PoolPost p)
    {
        p.Evicted = true;
        _byId.Remove(p.Post.PostId);
        if (p.Likes > 0) _liked.Remove(p);
        if (_byAuthor.TryGetValue(p.Post.UserId, out var mine))
        {
            mine.Remove(p);
            if (mine.Count == 0) _byAuthor.Remove(p.Post.UserId);
        }
        _all.SkipEvicted();
        if (_byInterest.TryGetValue(p.Post.Interest, out var list)) list.SkipEvicted();
    }

    /// <summary>
    /// The candidates of one slate, at most <paramref name="max"/>, in a fixed order (the same state and request give the same
    /// list): the followed authors' recent posts, then the newest posts of each of the reader's interests (half the budget),
    /// then the most liked posts, then the newest of all. Each index is read from its best end and only so far: the cost
    /// is bounded by <paramref name="max"/>, never by the pool's size. Never the reader's own posts, never a post past the max age, never one
    /// the reader already opened or hid (<paramref name="seen"/>).
    /// </summary>
    /// <param name="expireBefore">Evict posts that were past the max age at this instant (default <paramref name="now"/>); a
    /// request's own cut is <paramref name="now"/> minus the max age either way, so evicting by an earlier instant only keeps more.</param>
    /// <param name="exclude">Posts the session showed on its earlier pages.</param>
    public void Retrieve(string readerId, IReadOnlyList<string> interests, IReadOnlyCollection<string> following, DateTime now, int max, List<PoolPost> into,
        IReadOnlyDictionary<string, ReactionMark>? seen = null, DateTime? expireBefore = null, IReadOnlySet<string>? exclude = null)
    {
        into.Clear();
        Expire(expireBefore is { } e && e < now ? e : now);
        var stamp = ++_stamp;
        var oldest = now - maxAge;
        bool Take(PoolPost p)
        {
            if (p.Stamp == stamp || p.Post.UserId == readerId || p.Post.CreatedAt > now || p.Post.CreatedAt < oldest) return false;
            if (seen is { Count: > 0 } && seen.TryGetValue(p.Post.PostId, out var mark) && (mark.Viewed || mark.Hid)) return false;
            if (exclude is { Count: > 0 } && exclude.Contains(p.Post.PostId)) return false;
            p.Stamp = stamp;
            return true;
        }

        // in a fixed order: a set's enumeration order follows string hash codes, which differ from process to process
        _authors.Clear();
        _authors.AddRange(following);
        if (_authors.Count > 1) _authors.Sort(StringComparer.Ordinal);
        foreach (var author in _authors)
        {
            if (into.Count >= max / 4) break;
            if (!_byAuthor.TryGetValue(author, out var posts)) continue;
            for (var i = posts.Count - 1; i >= 0 && into.Count < max / 4; i--)
                if (Take(posts[i])) into.Add(posts[i]);
        }
        if (interests.Count > 0)
        {
            var each = Math.Max(1, max / 2 / interests.Count);
            foreach (var interest in interests)
                if (_byInterest.TryGetValue(interest, out var list))
                    list.NewestInto(into, Math.Min(each, max - into.Count), Take);
        }
        // the most liked posts (the popular policy then weighs likes against age), looking at no more than max of them
        var looked = 0;
        foreach (var p in _liked)
        {
            if (into.Count >= max * 3 / 4 || looked++ >= max) break;
            if (Take(p)) into.Add(p);
        }
        if (into.Count < max) _all.NewestInto(into, max - into.Count, Take);
    }
}

/// <summary>Posts and likes a feed starts with (a fork's pool as it stood at its instant), staged as if they had just arrived.</summary>
public sealed record WarmPool(IReadOnlyList<PostPublished> Posts, IReadOnlyList<(string PostId, DateTime At)> Likes)
{
    public static readonly WarmPool Empty = new([], []);
}
