using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Feed;

/// <summary>
/// One per node. Subscribes to the "posts" topic and hands each post to a bounded audience of this node's users:
/// interest-matched, plus random exploration. Audience choice is seeded by (run seed, post id): reproducible.
/// </summary>
public sealed class FeedActor : ReceiveActor
{
    private readonly AudienceIndex<IActorRef> _index = new();
    private readonly Dictionary<IActorRef, string> _byRef = new();
    private readonly IActorRef _mediator;
    private long _postsReceived, _deliveries, _explorations, _remote;

    public FeedActor(IActorRef mediator, long seed, int audienceSize, double exploration)
    {
        _mediator = mediator;

        Receive<JoinFeed>(j =>
        {
            _index.Add(j.UserId, j.Interests, j.User);
            _byRef[j.User] = j.UserId;
            Context.Watch(j.User);
        });
        Receive<LeaveFeed>(l =>
        {
            if (_index.TryGet(l.UserId, out var r))
            {
                _byRef.Remove(r);
                Context.Unwatch(r);
            }
            _index.Remove(l.UserId);
        });
        Receive<Terminated>(t =>
        {
            if (_byRef.Remove(t.ActorRef, out var id)) _index.Remove(id);
        });
        Receive<PostPublished>(post =>
        {
            _postsReceived++;
            var rng = DeterministicRandom.For(seed, "audience", post.PostId);
            var fromElsewhere = !_index.TryGet(post.UserId, out _);
            foreach (var (id, user, explore) in _index.Select(post.Interest, post.UserId, audienceSize, exploration, rng))
            {
                user.Tell(new DeliverPost(id, post, explore));
                _deliveries++;
                if (explore) _explorations++;
                if (fromElsewhere) _remote++;
            }
        });
        Receive<SubscribeAck>(_ => { });
        Receive<GetFeedStatus>(_ => Sender.Tell(new FeedStatus(_index.Count, _postsReceived, _deliveries, _explorations, _index.CountByInterest, _remote)));
    }

    protected override void PreStart() => _mediator.Tell(new Subscribe(FeedTopics.Posts, Self));

    protected override void PostStop() => _mediator.Tell(new Unsubscribe(FeedTopics.Posts, Self));
}
