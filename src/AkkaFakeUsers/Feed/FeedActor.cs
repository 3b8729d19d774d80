using Akka.Hosting;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Feed;

/// <summary>
/// One per node. Keeps the candidate pool of recent posts (each post arrives once per node on the "posts" topic) and
/// serves slates to this node's users on request, ranked by the policy the user's share of the population is assigned
/// (<see cref="FeedServer"/>). It also counts likes (the "likes" topic) for the popular policy, trains the learned
/// policy on what users report back and publishes its weights on a schedule, takes a new policy mix from the
/// "feed-control" topic, and hands comment notices to local users.
/// </summary>
public sealed class FeedActor : ReceiveActor, IWithTimers
{
    private sealed record RefreshLearned
    {
        public static readonly RefreshLearned Instance = new();
    }

    private static readonly string[] Topics = [FeedTopics.Posts, FeedTopics.Comments, FeedTopics.Likes, FeedTopics.Control];

    private readonly Dictionary<string, IActorRef> _members = new(StringComparer.Ordinal);
    // users falling asleep (from Dozing until their actor stops: by then the node's schedule holds their sleep record):
    // notices for them, and for users asleep in the schedule, go through the region, which wakes them
    private readonly HashSet<string> _dozing = new(StringComparer.Ordinal);
    private readonly Func<IActorRef?> _users;
    private readonly Dictionary<IActorRef, string> _byRef = new();
    private readonly IActorRef _mediator;
    private readonly FeedServer _server;
    private readonly TimeSpan _learnedRefresh;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _postsReceived, _remotePosts, _likes;

    private readonly SimulationClock? _clock;
    private readonly WarmPool _warm;

    // external policies: the ranking services' calls and the slates waiting for their scores
    private readonly ExternalScoring _external;

    /// <param name="clock">The node's clock: comment notices handed to users are work it counts, and its barriers are answered.</param>
    /// <param name="users">The user shard region (asked when first needed: it starts after the feed), through which a notice for a sleeping user wakes it.</param>
    /// <param name="externals">The ranking services of the run's external:NAME policies, by NAME.</param>
    public FeedActor(IActorRef mediator, FeedServing serving, TimeSpan learnedRefresh, SimulationClock? clock = null, Func<IActorRef?>? users = null,
        IReadOnlyDictionary<string, ExternalPolicyClient>? externals = null, IReadOnlyDictionary<string, string>? externalFallbacks = null, WarmPool? warm = null)
    {
        _warm = warm ?? WarmPool.Empty;
        _users = users ?? (() => null);
        _clock = clock;
        _mediator = mediator;
        _server = new FeedServer(serving);
        _external = new ExternalScoring(externals ?? new Dictionary<string, ExternalPolicyClient>(), _server, Self, () => Timers, _log);
        _learnedRefresh = learnedRefresh;

        Receive<SlateRequest>(r =>
        {
            var prepared = _server.Prepare(r);
            if (prepared.Externals.Count == 0)
            {
                Sender.Tell(_server.Finish(prepared, FeedServer.NoScores));
                return;
            }
            _external.Ask(prepared, Sender);
        });
        Receive<ExternalScoring.Scored>(_external.Receive);
        Receive<PostPublished>(post =>
        {
            _postsReceived++;
            if (!_members.ContainsKey(post.UserId)) _remotePosts++;
            _server.Pool.Stage(post);
        });
        Receive<PostLiked>(l =>
        {
            _likes++;
            _server.Pool.StageLike(l.PostId, l.At);
        });
        Receive<SlateFeedback>(_server.Learn);
        Receive<RefreshLearned>(_ => _server.Serving.Learned.Refresh());
        Receive<SetFeedPolicy>(s =>
        {
            if (!PolicyMix.TryParse(s.Mix, serving.Exploration, serving.Learned, out var mix, out var error, externalFallbacks))
            {
                _log.Warning("feed policy '{0}' ignored: {1}", s.Mix, error);
                return;
            }
            _server.UseMix(mix);
            _log.Info("feed policy is now {0}", mix.Describe());
        });
        Receive<JoinFeed>(j =>
        {
            _dozing.Remove(j.UserId);
            _members[j.UserId] = j.User;
            _byRef[j.User] = j.UserId;
            Context.Watch(j.User);
        });
        Receive<LeaveFeed>(l =>
        {
            if (!_members.Remove(l.UserId, out var r)) return;
            _byRef.Remove(r);
            Context.Unwatch(r);
        });
        Receive<Terminated>(t =>
        {
            if (!_byRef.Remove(t.ActorRef, out var id)) return;
            _dozing.Remove(id);
            // a stopped incarnation's Terminated may come after the next one joined: only its own entry goes
            if (_members.TryGetValue(id, out var member) && member.Equals(t.ActorRef)) _members.Remove(id);
        });
        // a user falling asleep: notices for it go through the region from now on (this answer comes behind every notice handed on directly)
        Receive<Dozing>(d =>
        {
            _members.Remove(d.UserId); // still watched: its Terminated ends the dozing
            _dozing.Add(d.UserId);
            Sender.Tell(Dozed.Instance);
        });
        Receive<CommentNotice>(n =>
        {
            var to = _members.TryGetValue(n.UserId, out var user) ? user
                : _dozing.Contains(n.UserId) || _clock?.Schedule.IsAsleep(n.UserId) == true ? _users() : null;
            if (to is null) return;
            if (_clock is null)
            {
                to.Tell(new CommentHandedOn(n));
                return;
            }
            // counted until the user has stored its answer; should it live on another node by then, its WorkMovedAway
            // goes straight to the ledger (the sender of the hand-on)
            to.Tell(new CommentHandedOn(n, _clock.Id, _clock.BeginWork(to)), _clock.Ledger);
        });
        // behind everything published on that topic before it: this node's clock may move on
        Receive<FeedBarrier>(b =>
        {
            if (_clock is not null && b.ClockId == _clock.Id) _clock.BarrierPassed(b.Id, b.Topic);
        });
        Receive<ExternalScoring.RetryDispatch>(_external.Retry);
        Receive<SubscribeAck>(_ => { });
        Receive<GetFeedStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private FeedStatus Status() => new(_members.Count, _postsReceived, _server.Pool.Count + _server.Pool.Staged, _server.SlatesServed, _server.Impressions, _server.RandomSlates,
        _server.EmptySlates, new Dictionary<string, long>(_server.SlatesByPolicy), _server.Serving.Mix.Describe(), _remotePosts, _likes,
        _server.Serving.Learned.Examples, _server.Serving.Learned.Refreshes)
    {
        External = _external.Outcomes(),
        Fallbacks = new Dictionary<string, long>(_server.Fallbacks),
    };

    protected override void PreStart()
    {
        // a fork's pool as it stood at its instant: staged like posts and likes that arrive (they count for slates after their instants)
        foreach (var post in _warm.Posts) _server.Pool.Stage(post);
        foreach (var (postId, at) in _warm.Likes) _server.Pool.StageLike(postId, at);
        if (_warm.Posts.Count > 0) _log.Info("feed starts with {0} posts and {1} likes of the store it was forked from", _warm.Posts.Count, _warm.Likes.Count);
        foreach (var topic in Topics) _mediator.Tell(new Subscribe(topic, Self));
        if (_learnedRefresh > TimeSpan.Zero) Timers.StartPeriodicTimer("learned", RefreshLearned.Instance, _learnedRefresh);
    }

    protected override void PostStop()
    {
        foreach (var topic in Topics) _mediator.Tell(new Unsubscribe(topic, Self));
    }
}

/// <summary>Wires the node's feed onto its actor system.</summary>
public static class FeedHosting
{
    /// <summary>The node's feed, serving slates by the configured policy mix.</summary>
    /// <param name="warm">Posts and likes the pool starts with (a fork's), or null.</param>
    public static AkkaConfigurationBuilder WithFeed(this AkkaConfigurationBuilder builder, FeedSettings settings, long seed, SimulationClock? clock = null, WarmPool? warm = null) =>
        builder.WithActors((system, registry) =>
        {
            var mediator = DistributedPubSub.Get(system).Mediator;
            var f = settings; // short: read in every argument below
            var learned = new LearnedModel();
            var fallbacks = f.ExternalFallbacks;
            var serving = new FeedServing(seed, PolicyMix.From(f.Policies, f.Exploration, learned, fallbacks), f.Exploration, f.Candidates, f.RandomShare,
                f.PoolSize, f.MaxPostAge, f.Shadows.Select(s => PolicySpec.From(s, f.Exploration, learned, fallbacks)).ToArray(), learned, f.PerSlate);
            var clients = (f.Externals ?? new Dictionary<string, ExternalPolicySettings>()).ToDictionary(kv => kv.Key, kv => ExternalPolicyClient.Create(kv.Value), StringComparer.Ordinal);
            Func<IActorRef?> users = () => registry.TryGet<FakeUserActor>(out var region) ? region : null;
            var feed = system.ActorOf(Props.Create(() => new FeedActor(mediator, serving, f.LearnedRefresh, clock, users, clients, fallbacks, warm)), "feed");
            registry.Register<FeedActor>(feed);
        });
}
