using Akka.Actor;

namespace AkkaFakeUsers.Users;

// What a user tells its node's feed, and the topics posts and comment notices travel on. The user side defines this
// protocol and the feed implements it, so Feed depends on Users and never the other way round.

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
