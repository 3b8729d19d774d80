using Akka.Actor;
using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Feed;

public sealed record GetFeedStatus : IAfuSerializable
{
    public static readonly GetFeedStatus Instance = new();
}

/// <param name="RemoteDeliveries">Deliveries of posts whose author is not a user of this node (they came over pub/sub from another node).</param>
/// <param name="FollowDeliveries">Deliveries to followers of the author who were not in the interest audience.</param>
public sealed record FeedStatus(int Members, long PostsReceived, long Deliveries, long ExplorationDeliveries, IReadOnlyDictionary<string, int> MembersByInterest, long RemoteDeliveries = 0,
    long FollowDeliveries = 0, int FollowEdges = 0) : IAfuSerializable;
