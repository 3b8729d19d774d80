using System.Text.Json.Serialization;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Users;

/// <summary>Anything addressed to one user through the "user" shard region.</summary>
public interface IUserMessage
{
    string UserId { get; }
}

// ---------------------------------------------------------------- commands

/// <summary>Wakes the user, creating it (profile from the run seed) if it does not exist yet. Sent by the SimulationManagerActor.</summary>
/// <param name="CountedBy">The clock (SimulationClock.Id) that counts this as simulated work until the user has handled
/// it, or null; the user answers <see cref="UserEnsured"/> then.</param>
public sealed record EnsureUser(string UserId, int Index, bool Paused = false, string? CountedBy = null, long Ticket = 0) : IUserMessage, IUserInput, IAfuSerializable;

/// <summary>The answer to a counted <see cref="EnsureUser"/> once the user exists and is live: the counting clock's
/// manager reports the work done on its own node (the user may live on another).</summary>
public sealed record UserEnsured(string UserId, string CountedBy, long Ticket = 0) : IAfuSerializable;

/// <summary>Scale-down: the user stops posting and passivates; its data stays, and <see cref="EnsureUser"/> brings it back.</summary>
public sealed record RetireUser(string UserId) : IUserMessage, IUserInput, IAfuSerializable;

/// <summary>Manual trigger: post now (sim post).</summary>
public sealed record PostNow(string UserId) : IUserMessage, IUserInput, IAfuSerializable;

/// <summary>
/// Stop timers and pending reactions (before a clean shutdown); <see cref="ResumeUser"/> restarts them. Answered with
/// <see cref="UserPaused"/>: a user handles it only after any write in flight (commands wait while it persists), so the
/// answer means the user will write nothing more until resumed.
/// </summary>
public sealed record PauseUser(string UserId) : IUserMessage, IUserInput, IAfuSerializable;

public sealed record UserPaused(string UserId) : IAfuSerializable;

public sealed record ResumeUser(string UserId) : IUserMessage, IUserInput, IAfuSerializable;

/// <summary>
/// A comment was made that this user may answer: a comment on their post, or a reply to their comment. Sent by the
/// commenter on the "comments" topic; each node's feed hands it to the user if it lives there and is live.
/// <see cref="Comment"/>.Depth says how deep in the thread it is (1 = on the post).
/// </summary>
public sealed record CommentNotice(string UserId, PostPublished Post, InteractionRecorded Comment) : IUserMessage, IUserInput, IAfuSerializable;

/// <summary>Sharding hand-off stop: stashed behind in-flight persists, so nothing acknowledged is lost.</summary>
public sealed record StopUser : IAfuSerializable
{
    public static readonly StopUser Instance = new();
}

// ---------------------------------------------------------------- queries

public sealed record GetUserState(string UserId) : IUserMessage, IAfuSerializable;

public sealed record UserStateReply(string UserId, UserProfile? Profile, UserCounters Counters, bool Paused, IReadOnlyList<string> LastPosts) : IAfuSerializable;

// ---------------------------------------------------------------- events (persisted; tagged "afu" for the projection)

public interface IUserEvent : IAfuSerializable
{
    string UserId { get; }
    DateTime CreatedAt { get; }
}

public sealed record UserCreated(UserProfile Profile, string Bio, DateTime CreatedAt) : IUserEvent
{
    [JsonIgnore] public string UserId => Profile.UserId;
}

/// <summary>A post, persisted by its author and published on the "posts" topic. Trending: its subtopic trended when it was written.
/// <paramref name="Appeal"/> and <paramref name="AuthorQuality"/>: ground truth of afu.behaviour.creators (null when off).</summary>
public sealed record PostPublished(
    string PostId,
    string UserId,
    long Seq,
    string Content,
    string Interest,
    string Subtopic,
    DateTime CreatedAt,
    string GeneratedBy,
    string ModelVersion,
    bool Trending = false,
    double? Appeal = null,
    double? AuthorQuality = null) : IUserEvent;

/// <summary>
/// One view, like, comment or hide, with the interest-match score it was decided on. <paramref name="ImpressionId"/>: the
/// slate slot it came from (null for a reply to a comment notice); <paramref name="Source"/>: the policy that served it,
/// or "thread" for a reply.
/// </summary>
public sealed record InteractionRecorded(
    string InteractionId,
    string UserId,
    string PostId,
    string PostAuthorId,
    InteractionType Type,
    string? Content,
    double MatchScore,
    bool Exploration,
    DateTime PostCreatedAt,
    DateTime CreatedAt,
    string? GeneratedBy,
    string? ModelVersion,
    string? PostInterest = null,
    string? ParentId = null,
    int Depth = 0,
    bool ViaFollow = false,
    string? ImpressionId = null,
    string? Source = null) : IUserEvent
{
    public static string IdFor(string userId, string postId, InteractionType type) => $"{userId}/{type.Name()}/{postId}";

    /// <summary>A reply of <paramref name="userId"/> to the comment <paramref name="parentId"/> (at most one per user and comment).</summary>
    public static string ReplyIdFor(string userId, string parentId) => $"{userId}/reply/{parentId}";

    /// <summary>How the post reached the user: the serving policy ("interest", "popular", …, "random" for the random share), "thread" for a reply; events written before slates: "follow", "explore" or "interest".</summary>
    [JsonIgnore] public string FeedSource => Source ?? (ViaFollow ? "follow" : Exploration ? "explore" : "interest");
}

/// <summary>The user followed an author after liking their post; the feed then brings the author's posts to the user.</summary>
public sealed record UserFollowed(string FollowerId, string FolloweeId, double MatchScore, string ViaPostId, DateTime CreatedAt) : IUserEvent
{
    [JsonIgnore] public string UserId => FollowerId;
}

/// <summary>
/// A slate the user was shown in a session, and what it did with every slot: one event per slate (the impression log's
/// rows). <paramref name="SessionSeq"/> numbers the user's sessions; the interactions it caused follow as their own events.
/// <paramref name="Page"/>: the page of a scrolling session (1 = the first slate; positions count within the page).
/// </summary>
public sealed record SlateShown(
    string SlateId,
    string SessionId,
    long SessionSeq,
    string UserId,
    string Policy,
    int Candidates,
    bool IsRandom,
    DateTime CreatedAt,
    IReadOnlyList<Impression> Items,
    int Page = 1) : IUserEvent;

/// <summary>One shown post of a slate: where, how likely the policy was to show it there, and what the user did.</summary>
/// <param name="Shadow">The probability of this post at this position under each shadow policy.</param>
/// <param name="CascadePropensity">The probability that the serving policy shows the slate's posts 1..<paramref name="Position"/> as shown
/// (null in events written before it was logged); <paramref name="ShadowCascade"/>: the same under each shadow policy.</param>
public sealed record Impression(
    string PostId,
    string AuthorId,
    int Position,
    double Score,
    double Propensity,
    double MatchScore,
    bool Examined,
    bool Viewed,
    int DwellMs,
    bool Liked,
    bool Commented,
    bool Hid,
    IReadOnlyDictionary<string, double>? Shadow = null,
    double? CascadePropensity = null,
    IReadOnlyDictionary<string, double>? ShadowCascade = null)
{
    public static string IdFor(string slateId, int position) => $"{slateId}#{position}";
}

public static class SessionIds
{
    public static string Session(string userId, long seq) => $"{userId}/session-{seq}";

    /// <summary>The slate of one page of a session (a session that scrolls on shows pages 2, 3, …).</summary>
    public static string Slate(string sessionId, int page) => $"{sessionId}/slate-{page}";
}

public static class PostIds
{
    public static string For(string userId, long seq) => $"{userId}/post-{seq}";

    /// <summary>The author of a post id made by <see cref="For"/> (the part before "/post-").</summary>
    public static string AuthorOf(string postId)
    {
        var cut = postId.LastIndexOf("/post-", StringComparison.Ordinal);
        return cut > 0 ? postId[..cut] : "";
    }

    /// <summary>The sequence number of a post id made by <see cref="For"/> (0 when it has none).</summary>
    public static long SeqOf(string postId) =>
        long.TryParse(postId[(postId.LastIndexOf("/post-", StringComparison.Ordinal) + "/post-".Length)..], System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out var seq) ? seq : 0;
}
