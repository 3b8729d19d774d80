namespace AkkaFakeUsers.Feed;

/// <summary>Who follows whom among this node's users: author → local followers, and the reverse to forget a leaving user.</summary>
public sealed class FollowIndex
{
    private readonly Dictionary<string, HashSet<string>> _followers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _following = new(StringComparer.Ordinal);

    public int Edges { get; private set; }

    public void Add(string follower, string followee)
    {
        if (follower == followee) return;
        if (!_following.TryGetValue(follower, out var out_)) _following[follower] = out_ = new HashSet<string>(StringComparer.Ordinal);
        if (!out_.Add(followee)) return;
        if (!_followers.TryGetValue(followee, out var in_)) _followers[followee] = in_ = new HashSet<string>(StringComparer.Ordinal);
        in_.Add(follower);
        Edges++;
    }

    /// <summary>Forgets every edge of a follower that left this node.</summary>
    public void RemoveFollower(string follower)
    {
        if (!_following.Remove(follower, out var followees)) return;
        foreach (var f in followees)
        {
            if (_followers.TryGetValue(f, out var set) && set.Remove(follower))
            {
                Edges--;
                if (set.Count == 0) _followers.Remove(f);
            }
        }
    }

    public IReadOnlyCollection<string> FollowersOf(string author) =>
        _followers.TryGetValue(author, out var set) ? set : Array.Empty<string>();
}
