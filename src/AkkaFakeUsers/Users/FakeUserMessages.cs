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

/// <summary>Wakes the user, creating it (profile from the run seed) if it does not exist yet. Sent by the SimulationManager.</summary>
public sealed record EnsureUser(string UserId, int Index, bool Paused = false) : IUserMessage, IAfuSerializable;

/// <summary>Scale-down: the user stops posting and passivates; its data stays, and <see cref="EnsureUser"/> brings it back.</summary>
public sealed record RetireUser(string UserId) : IUserMessage, IAfuSerializable;

/// <summary>Manual trigger: post now (sim post).</summary>
public sealed record PostNow(string UserId) : IUserMessage, IAfuSerializable;

/// <summary>
/// Stop timers and pending reactions (before a clean shutdown); <see cref="ResumeUser"/> restarts them. Answered with
/// <see cref="UserPaused"/>: a user handles it only after any write in flight (commands wait while it persists), so the
/// answer means the user will write nothing more until resumed.
/// </summary>
public sealed record PauseUser(string UserId) : IUserMessage, IAfuSerializable;

public sealed record UserPaused(string UserId) : IAfuSerializable;

public sealed record ResumeUser(string UserId) : IUserMessage, IAfuSerializable;

/// <summary>A post from the feed reaches this user (exploration: not chosen by interest; via-follow: the user follows the author).</summary>
public sealed record DeliverPost(string UserId, PostPublished Post, bool Exploration, bool ViaFollow = false) : IUserMessage, IAfuSerializable
{
    [JsonIgnore] public string Source => ViaFollow ? "follow" : Exploration ? "explore" : "interest";
}

/// <summary>
/// A comment was made that this user may answer: a comment on their post, or a reply to their comment. Sent by the
/// commenter on the "comments" topic; each node's feed hands it to the user if it lives there and is live.
/// <see cref="Comment"/>.Depth says how deep in the thread it is (1 = on the post).
/// </summary>
public sealed record CommentNotice(string UserId, PostPublished Post, InteractionRecorded Comment) : IUserMessage, IAfuSerializable;

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

/// <summary>A post, persisted by its author and published on the "posts" topic. Trending: its subtopic trended when it was written.</summary>
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
    bool Trending = false) : IUserEvent;

/// <summary>One view, like or comment, with the interest-match score it was decided on.</summary>
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
    bool ViaFollow = false) : IUserEvent
{
    public static string IdFor(string userId, string postId, InteractionType type) => $"{userId}/{type.Name()}/{postId}";

    /// <summary>A reply of <paramref name="userId"/> to the comment <paramref name="parentId"/> (at most one per user and comment).</summary>
    public static string ReplyIdFor(string userId, string parentId) => $"{userId}/reply/{parentId}";

    /// <summary>"follow", "explore" or "interest": how the post reached the user.</summary>
    [JsonIgnore] public string FeedSource => ViaFollow ? "follow" : Exploration ? "explore" : "interest";
}

/// <summary>The user followed an author after liking their post; the feed then brings the author's posts to the user.</summary>
public sealed record UserFollowed(string FollowerId, string FolloweeId, double MatchScore, string ViaPostId, DateTime CreatedAt) : IUserEvent
{
    [JsonIgnore] public string UserId => FollowerId;
}

public static class PostIds
{
    public static string For(string userId, long seq) => $"{userId}/post-{seq}";
}
