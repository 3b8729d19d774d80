namespace AkkaFakeUsers.Feed;

/// <summary>
/// Local users by interest, with O(1) add/remove and sampling without scanning the population:
/// a post reaches a bounded audience, never every user.
/// </summary>
public sealed class AudienceIndex<T>
{
    private sealed class Bucket
    {
        public readonly List<string> Ids = new();
        public readonly Dictionary<string, int> Pos = new();

        public void Add(string id)
        {
            if (Pos.ContainsKey(id)) return;
            Pos[id] = Ids.Count;
            Ids.Add(id);
        }

        public void Remove(string id)
        {
            if (!Pos.Remove(id, out var i)) return;
            var last = Ids[^1];
            Ids[i] = last;
            Ids.RemoveAt(Ids.Count - 1);
            if (last != id) Pos[last] = i;
        }
    }

    private readonly Dictionary<string, (T Value, IReadOnlyList<string> Interests)> _members = new();
    private readonly Dictionary<string, Bucket> _byInterest = new(StringComparer.OrdinalIgnoreCase);
    private readonly Bucket _all = new();

    public int Count => _all.Ids.Count;

    public IReadOnlyDictionary<string, int> CountByInterest => _byInterest.ToDictionary(kv => kv.Key, kv => kv.Value.Ids.Count);

    public void Add(string id, IReadOnlyList<string> interests, T value)
    {
        Remove(id);
        _members[id] = (value, interests);
        _all.Add(id);
        foreach (var i in interests)
        {
            if (!_byInterest.TryGetValue(i, out var b)) _byInterest[i] = b = new Bucket();
            b.Add(id);
        }
    }

    public bool Remove(string id)
    {
        if (!_members.Remove(id, out var m)) return false;
        _all.Remove(id);
        foreach (var i in m.Interests)
            if (_byInterest.TryGetValue(i, out var b)) b.Remove(id);
        return true;
    }

    public bool TryGet(string id, out T value)
    {
        var ok = _members.TryGetValue(id, out var m);
        value = m.Value;
        return ok;
    }

    /// <summary>
    /// Picks up to <paramref name="size"/> members interested in <paramref name="interest"/> plus about
    /// <paramref name="exploration"/> x size random others (Bernoulli-rounded, so 10% of 5 still explores sometimes).
    /// Never the author, never the same member twice.
    /// </summary>
    public List<(string Id, T Value, bool Exploration)> Select(string interest, string authorId, int size, double exploration, Random rng)
    {
        var chosen = new HashSet<string>(StringComparer.Ordinal) { authorId };
        var result = new List<(string, T, bool)>();
        if (_byInterest.TryGetValue(interest, out var bucket)) Sample(bucket.Ids, size, chosen, result, false, rng);
        var exploreExact = size * exploration;
        var explore = (int)Math.Floor(exploreExact) + (rng.NextDouble() < exploreExact - Math.Floor(exploreExact) ? 1 : 0);
        if (explore > 0) Sample(_all.Ids, explore, chosen, result, true, rng);
        return result;
    }

    private void Sample(List<string> ids, int want, HashSet<string> chosen, List<(string, T, bool)> result, bool exploration, Random rng)
    {
        if (ids.Count <= 4 * want)
        {
            // Small pool: shuffle a copy and take the first ones.
            var pool = ids.Where(id => !chosen.Contains(id)).ToArray();
            for (var i = 0; i < pool.Length && i < want; i++)
            {
                var j = i + rng.Next(pool.Length - i);
                (pool[i], pool[j]) = (pool[j], pool[i]);
                chosen.Add(pool[i]);
                result.Add((pool[i], _members[pool[i]].Value, exploration));
            }
            return;
        }
        // Large pool: rejection sampling, O(want).
        var taken = 0;
        for (var attempts = 0; taken < want && attempts < want * 20; attempts++)
        {
            var id = ids[rng.Next(ids.Count)];
            if (!chosen.Add(id)) continue;
            result.Add((id, _members[id].Value, exploration));
            taken++;
        }
    }
}
