namespace AkkaFakeUsers.Users;

// What a user tells its node's feed, and the topics posts and comment notices travel on. The user side defines this
// protocol and the feed implements it, so Feed depends on Users and never the other way round.

public static class FeedTopics
{
    /// <summary>The DistributedPubSub topic posts travel on (once per node).</summary>
    public const string Posts = "posts";

    /// <summary>Comment notices (someone answered a user's post or comment) travel here, to the node where that user lives.</summary>
    public const string Comments = "comments";

    /// <summary>Likes (<see cref="PostLiked"/>), so every node's feed knows how popular a post is.</summary>
    public const string Likes = "likes";

    /// <summary>Feed control (a new policy mix), sent by the inspection port to every node's feed.</summary>
    public const string Control = "feed-control";
}

public sealed record LeaveFeed(string UserId);

// ---------------------------------------------------------------- slates (a session asks its node's feed for one)

/// <summary>A user opens the app: "give me a slate of <paramref name="Size"/>". Answered with <see cref="SlateServed"/>.</summary>
/// <param name="Now">The simulated instant of the request (posts older than the feed's max age are not candidates).</param>
/// <param name="Seen">Posts the user already opened or hid (its reaction marks): a feed does not show them again.</param>
/// <param name="VisibleBefore">Posts and likes stamped before this instant are what the slate may show (default: <paramref name="Now"/>).</param>
/// <param name="Ticket">The asking user's clock ticket for this piece of work (0: none), handed back with the slate.</param>
/// <param name="Exclude">Posts the session already showed on its earlier pages: the next page never repeats them.</param>
public sealed record SlateRequest(
    string UserId,
    string SessionId,
    string SlateId,
    int Size,
    IReadOnlyList<Domain.InterestWeight> Interests,
    IReadOnlyCollection<string> Following,
    DateTime Now,
    IReadOnlyDictionary<string, ReactionMark>? Seen = null,
    DateTime? VisibleBefore = null,
    long Ticket = 0,
    IReadOnlySet<string>? Exclude = null);

/// <summary>One shown post: position from 1, the policy's score, and the exact probability that the policy shows this post at this position.</summary>
/// <param name="Shadow">The same probability under each of the run's shadow policies (afu.feed.shadow-policies), for off-policy evaluation.</param>
/// <param name="CascadePropensity">The probability that the policy shows the slate's posts 1..<paramref name="Position"/> exactly as shown (at the last position: the whole slate's).</param>
/// <param name="ShadowCascade">The same under each shadow policy.</param>
public sealed record SlateItem(
    PostPublished Post,
    int Position,
    double Score,
    double Propensity,
    Domain.CandidateFeatures Features,
    IReadOnlyDictionary<string, double>? Shadow = null,
    double? CascadePropensity = null,
    IReadOnlyDictionary<string, double>? ShadowCascade = null);

/// <summary>The feed's answer: a ranked slate drawn by <paramref name="Policy"/> from a candidate pool of <paramref name="Candidates"/> posts.
/// Work the asking user's clock counts until the user has stored what it saw.</summary>
/// <param name="IsRandom">A slate of the random share: a uniformly random ordering (propensity 1 / candidates).</param>
public sealed record SlateServed(string SlateId, string SessionId, string Policy, int Candidates, bool IsRandom, IReadOnlyList<SlateItem> Items,
    long Ticket = 0) : IUserInput;

/// <summary>A <see cref="CommentNotice"/> the node's feed hands on to the user it is for: work the clock counts until
/// the user has stored its answer (the notice itself travels on a topic, uncounted). To a sleeping user it goes through
/// the shard region (which wakes it); <paramref name="ClockId"/> is the counting node's clock, answered with
/// WorkMovedAway should the user live on another node by then; <paramref name="Ticket"/> is its ticket there.</summary>
public sealed record CommentHandedOn(CommentNotice Notice, string? ClockId = null, long Ticket = 0) : IUserMessage, Serialization.IAfuSerializable
{
    public string UserId => Notice.UserId;
}

/// <summary>A user is falling asleep: the feed stops handing it comment notices directly (they go through the shard region,
/// which wakes it) and answers <see cref="Dozed"/>, behind every notice it handed on before.</summary>
public sealed record Dozing(string UserId);

/// <summary>The feed's answer to <see cref="Dozing"/>.</summary>
public sealed record Dozed
{
    public static readonly Dozed Instance = new();
}

/// <summary>Someone liked a post: every node's feed counts it (the popular policy's hot score). Travels on <see cref="FeedTopics.Likes"/>.</summary>
/// <param name="At">When (simulated) the like was made: it counts for slates asked for after that (null: at once).</param>
public sealed record PostLiked(string PostId, DateTime? At = null) : Serialization.IAfuSerializable;

/// <summary>What the user did with the slots it examined, told to its node's feed so the learned policy trains on it.</summary>
public sealed record SlateFeedback(IReadOnlyList<(Domain.CandidateFeatures Features, bool Liked)> Examined);
