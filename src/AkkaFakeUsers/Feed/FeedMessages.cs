using Akka.Actor;
using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Feed;

public static class FeedTopics
{
    /// <summary>The DistributedPubSub topic posts travel on (once per node).</summary>
    public const string Posts = "posts";

    /// <summary>Comment notices (someone answered a user's post or comment) travel here, to the node where that user lives.</summary>
    public const string Comments = "comments";
}

/// <summary>A local user joins this node's audience index (sent when it starts or its interests change), with the authors it follows.</summary>
public sealed record JoinFeed(string UserId, IReadOnlyList<string> Interests, IActorRef User, IReadOnlyList<string>? Following = null);

/// <summary>A local user started following an author: the author's posts now reach it.</summary>
public sealed record FollowAdded(string FollowerId, string FolloweeId);

public sealed record LeaveFeed(string UserId);

public sealed record GetFeedStatus : IAfuSerializable
{
    public static readonly GetFeedStatus Instance = new();
}

/// <param name="RemoteDeliveries">Deliveries of posts whose author is not a user of this node (they came over pub/sub from another node).</param>
/// <param name="FollowDeliveries">Deliveries to followers of the author who were not in the interest audience.</param>
public sealed record FeedStatus(int Members, long PostsReceived, long Deliveries, long ExplorationDeliveries, IReadOnlyDictionary<string, int> MembersByInterest, long RemoteDeliveries = 0,
    long FollowDeliveries = 0, int FollowEdges = 0) : IAfuSerializable;
