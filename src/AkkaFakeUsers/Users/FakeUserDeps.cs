using Akka.Actor;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Users;

/// <summary>What a user needs from its node. <see cref="Mediator"/> is the DistributedPubSub mediator (a probe in tests);
/// posts and comment notices are published through it. <see cref="Clock"/>: the node's simulated time and the schedule
/// its timers live in. <see cref="Known"/> lets users that never existed skip recovery. <see cref="Users"/>: the shard
/// region, through which a sleeping user's timers wake it (null: users never sleep).</summary>
public sealed record FakeUserDeps(UserRules Rules, SimulationClock Clock, UserMetrics Metrics, IActorRef Gateway, IActorRef Feed, IActorRef Mediator,
    KnownUsers? Known = null, IActorRef? Users = null);
