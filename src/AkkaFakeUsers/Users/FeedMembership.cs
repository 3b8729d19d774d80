using Akka.Actor;

namespace AkkaFakeUsers.Users;

// The one message of the user-feed protocol that carries an actor reference, so it lives in the runtime, not the model.

/// <summary>A local user is live on this node (sent when it starts): comment notices for it are handed to <paramref name="User"/>.</summary>
public sealed record JoinFeed(string UserId, IActorRef User);
