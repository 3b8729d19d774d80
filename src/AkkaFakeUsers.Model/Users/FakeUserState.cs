using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Users;

public sealed record UserCounters(long Posts, long Views, long Likes, long Comments, long Hides = 0, long Slates = 0)
{
    public static readonly UserCounters Zero = new(0, 0, 0, 0);
}

/// <summary>Which reactions a user already made to a post (post's creation time kept for pruning).</summary>
public sealed record ReactionMark(DateTime PostCreatedAt, bool Viewed, bool Liked, bool Commented, bool Hid = false)
{
    public bool Has(InteractionType t) => t switch
    {
        InteractionType.View => Viewed,
        InteractionType.Like => Liked,
        InteractionType.Hide => Hid,
        _ => Commented,
    };

    public ReactionMark With(InteractionType t) => t switch
    {
        InteractionType.View => this with { Viewed = true },
        InteractionType.Like => this with { Liked = true },
        InteractionType.Hide => this with { Hid = true },
        _ => this with { Commented = true },
    };
}

/// <summary>
/// What a user has done, as a pure value: <see cref="Apply"/> folds one event in. Kept in snapshots; settings are not
/// (they come in through <see cref="UserRules"/> on every call, so a changed config applies to recovered users too, and
/// snapshots written before settings left the state still read: their extra fields are ignored).
/// Reaction marks older than the horizon (by post time) are pruned: posts older than that are no longer reacted to.
/// </summary>
public sealed record FakeUserState(
    UserProfile? Profile,
    UserCounters Counters,
    long LastPostSeq,
    ImmutableDictionary<string, ReactionMark> Reacted,
    ImmutableList<string> LastPosts,
    ImmutableHashSet<string>? Following = null,
    long LastSessionSeq = 0) : IAfuSerializable
{
    public const int LastPostsKept = 5;

    public static FakeUserState Empty { get; } =
        new(null, UserCounters.Zero, 0, ImmutableDictionary<string, ReactionMark>.Empty, ImmutableList<string>.Empty, ImmutableHashSet<string>.Empty);

    /// <summary>Authors this user follows (older snapshots have none).</summary>
    public ImmutableHashSet<string> Follows => Following ?? ImmutableHashSet<string>.Empty;

    /// <summary>Marks are kept per post; a reply is marked under the comment it answers, so one user replies once per comment.</summary>
    public static string MarkKey(InteractionRecorded e) => e.ParentId ?? e.PostId;

    public bool Exists => Profile is not null;

    public bool HasReacted(string postId, InteractionType type) => Reacted.TryGetValue(postId, out var m) && m.Has(type);

    /// <summary>Folds a sequence of events in, in order.</summary>
    public FakeUserState ApplyAll(IEnumerable<IUserEvent> events, UserRules rules) => events.Aggregate(this, (s, e) => s.Apply(e, rules));

    public FakeUserState Apply(IUserEvent evt, UserRules rules) => evt switch
    {
        UserCreated e => this with { Profile = e.Profile },
        PostPublished e => this with
        {
            Counters = Counters with { Posts = Counters.Posts + 1 },
            LastPostSeq = Math.Max(LastPostSeq, e.Seq),
            LastPosts = (LastPosts.Count >= LastPostsKept ? LastPosts.RemoveAt(0) : LastPosts).Add(e.Content),
        },
        InteractionRecorded e => ApplyInteraction(e, rules.Horizon, rules.Behaviour.Drift),
        UserFollowed e => this with { Following = Follows.Add(e.FolloweeId) },
        SlateShown e => this with { LastSessionSeq = Math.Max(LastSessionSeq, e.SessionSeq), Counters = Counters with { Slates = Counters.Slates + 1 } },
        _ => this,
    };

    private FakeUserState ApplyInteraction(InteractionRecorded e, TimeSpan horizon, DriftSettings drift)
    {
        var counters = e.Type switch
        {
            InteractionType.View => Counters with { Views = Counters.Views + 1 },
            InteractionType.Like => Counters with { Likes = Counters.Likes + 1 },
            InteractionType.Hide => Counters with { Hides = Counters.Hides + 1 },
            _ => Counters with { Comments = Counters.Comments + 1 },
        };
        var key = MarkKey(e);
        var mark = (Reacted.TryGetValue(key, out var existing) ? existing : new ReactionMark(e.PostCreatedAt, false, false, false)).With(e.Type);
        var reacted = Reacted.SetItem(key, mark);
        // Prune marks of posts that are past the horizon relative to this event.
        if (reacted.Count > 64)
        {
            var cutoff = e.CreatedAt - horizon - horizon;
            var stale = reacted.Where(kv => kv.Value.PostCreatedAt < cutoff).Select(kv => kv.Key).ToArray();
            if (stale.Length > 0) reacted = reacted.RemoveRange(stale);
        }
        // Interest drift: a like pulls the weights toward the liked interest (older events carry no interest: no drift).
        var profile = Profile;
        if (e.Type == InteractionType.Like && e.PostInterest is { } liked && profile is not null)
            profile = profile with { Interests = Domain.Drift.Apply(drift, profile.Interests, liked) };
        return this with { Counters = counters, Reacted = reacted, Profile = profile };
    }
}
