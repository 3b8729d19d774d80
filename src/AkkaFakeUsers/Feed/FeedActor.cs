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
    private readonly FollowIndex _follows = new();
    private readonly Dictionary<IActorRef, string> _byRef = new();
    private readonly IActorRef _mediator;
    private long _postsReceived, _deliveries, _explorations, _remote, _followDeliveries;

    public FeedActor(IActorRef mediator, long seed, int audienceSize, double exploration)
    {
        _mediator = mediator;

        Receive<JoinFeed>(j =>
        {
            _index.Add(j.UserId, j.Interests, j.User);
            _byRef[j.User] = j.UserId;
            Context.Watch(j.User);
            foreach (var f in j.Following ?? []) _follows.Add(j.UserId, f);
        });
        Receive<FollowAdded>(f => _follows.Add(f.FollowerId, f.FolloweeId));
        Receive<LeaveFeed>(l =>
        {
            if (_index.TryGet(l.UserId, out var r))
            {
                _byRef.Remove(r);
                Context.Unwatch(r);
            }
            _index.Remove(l.UserId);
            _follows.RemoveFollower(l.UserId);
        });
        Receive<Terminated>(t =>
        {
            if (!_byRef.Remove(t.ActorRef, out var id)) return;
            _index.Remove(id);
            _follows.RemoveFollower(id);
        });
        Receive<PostPublished>(post =>
        {
            _postsReceived++;
            var rng = DeterministicRandom.For(seed, "audience", post.PostId);
            var fromElsewhere = !_index.TryGet(post.UserId, out _);
            var audience = _index.Select(post.Interest, post.UserId, audienceSize, exploration, rng);
            foreach (var (id, user, explore) in audience) Deliver(new DeliverPost(id, post, explore), user, fromElsewhere);
            // Followers of the author see the post too (once: those already in the audience got it above).
            var followers = _follows.FollowersOf(post.UserId);
            if (followers.Count == 0) return;
            var reached = audience.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var id in followers)
            {
                if (reached.Contains(id) || !_index.TryGet(id, out var user)) continue;
                Deliver(new DeliverPost(id, post, false, ViaFollow: true), user, fromElsewhere);
                _followDeliveries++;
            }
        });
        Receive<CommentNotice>(n =>
        {
            if (_index.TryGet(n.UserId, out var user)) user.Tell(n);
        });
        Receive<SubscribeAck>(_ => { });
        Receive<GetFeedStatus>(_ => Sender.Tell(new FeedStatus(_index.Count, _postsReceived, _deliveries, _explorations, _index.CountByInterest, _remote,
            _followDeliveries, _follows.Edges)));
    }

    private void Deliver(DeliverPost d, IActorRef user, bool fromElsewhere)
    {
        user.Tell(d);
        _deliveries++;
        if (d.Exploration) _explorations++;
        if (fromElsewhere) _remote++;
    }

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(FeedTopics.Posts, Self));
        _mediator.Tell(new Subscribe(FeedTopics.Comments, Self));
    }

    protected override void PostStop()
    {
        _mediator.Tell(new Unsubscribe(FeedTopics.Posts, Self));
        _mediator.Tell(new Unsubscribe(FeedTopics.Comments, Self));
    }
}
