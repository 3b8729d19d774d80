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

    // external policies: one caller per service (bounded in flight, a queue behind it, a circuit breaker), and the slates waiting for scores
    private readonly Dictionary<string, ExternalCaller> _callers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, WaitingSlate> _waiting = new();
    private long _nextWaiting;
    private readonly Dictionary<string, long> _externalOutcomes = new(StringComparer.Ordinal);

    private sealed class WaitingSlate(PreparedSlate slate, IActorRef replyTo)
    {
        public PreparedSlate Slate { get; } = slate;
        public IActorRef ReplyTo { get; } = replyTo;
        public Dictionary<string, double[]> Scores { get; } = new(StringComparer.Ordinal);
        public int Pending { get; set; } = slate.Externals.Count;
    }

    private sealed class ExternalCaller(ExternalPolicyClient client)
    {
        public ExternalPolicyClient Client { get; } = client;
        public Queue<(long Waiting, byte[] Body)> Queue { get; } = new();
        public int InFlight { get; set; }
        public int ConsecutiveFailures { get; set; }
        public DateTime OpenUntil { get; set; }
        public bool HalfOpenProbe { get; set; }
    }

    /// <summary>A service's answer for a waiting slate, back on the actor.</summary>
    private sealed record ExternalScored(long Waiting, ExternalAnswer Answer);

    /// <param name="clock">The node's clock: comment notices handed to users are work it counts, and its barriers are answered.</param>
    /// <param name="users">The user shard region (asked when first needed: it starts after the feed), through which a notice for a sleeping user wakes it.</param>
    /// <param name="externals">The ranking services of the run's external:NAME policies, by NAME.</param>
    public FeedActor(IActorRef mediator, FeedServing serving, TimeSpan learnedRefresh, SimulationClock? clock = null, Func<IActorRef?>? users = null,
        IReadOnlyDictionary<string, ExternalPolicyClient>? externals = null, IReadOnlyDictionary<string, string>? externalFallbacks = null, WarmPool? warm = null)
    {
        _warm = warm ?? WarmPool.Empty;
        foreach (var (name, client) in externals ?? new Dictionary<string, ExternalPolicyClient>()) _callers[name] = new ExternalCaller(client);
        _users = users ?? (() => null);
        _clock = clock;
        _mediator = mediator;
        _server = new FeedServer(serving);
        _learnedRefresh = learnedRefresh;

        Receive<SlateRequest>(r =>
        {
            var prepared = _server.Prepare(r);
            if (prepared.Externals.Count == 0)
            {
                Sender.Tell(_server.Finish(prepared, NoScores));
                return;
            }
            AskExternals(prepared, Sender);
        });
        Receive<ExternalScored>(Scored);
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
        Receive<RetryDispatch>(r =>
        {
            if (_callers.TryGetValue(r.Name, out var caller)) Dispatch(caller);
        });
        Receive<SubscribeAck>(_ => { });
        Receive<GetFeedStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private static readonly IReadOnlyDictionary<string, double[]> NoScores = new Dictionary<string, double[]>();

    /// <summary>A slate that needs scores from ranking services: one request per service, the slate finished when all have answered or failed.</summary>
    private void AskExternals(PreparedSlate prepared, IActorRef replyTo)
    {
        var id = ++_nextWaiting;
        var waiting = new WaitingSlate(prepared, replyTo);
        _waiting[id] = waiting;
        foreach (var name in prepared.Externals)
        {
            if (!_callers.TryGetValue(name, out var caller))
            {
                Failed(id, name, "not-configured");
                continue;
            }
            if (IsOpen(caller))
            {
                Failed(id, name, "breaker-open");
                continue;
            }
            if (caller.Queue.Count >= ExternalPolicySettings.QueueLimit)
            {
                Failed(id, name, "queue-full");
                continue;
            }
            caller.Queue.Enqueue((id, ExternalRequest.Build(name, prepared, _server.Pool, _server.RecentlyShown(prepared.Request.UserId))));
            Dispatch(caller);
        }
    }

    private bool IsOpen(ExternalCaller c) => c.OpenUntil > DateTime.UtcNow || (c.OpenUntil != default && c.HalfOpenProbe && c.InFlight > 0);

    private void Dispatch(ExternalCaller caller)
    {
        while (caller.Queue.Count > 0 && caller.InFlight < caller.Client.Settings.MaxInFlight)
        {
            // half-open (the open period is over): one probe at a time decides
            if (caller.OpenUntil != default)
            {
                if (caller.OpenUntil > DateTime.UtcNow || caller.InFlight > 0) return;
                caller.HalfOpenProbe = true;
            }
            var (id, body) = caller.Queue.Dequeue();
            if (!_waiting.TryGetValue(id, out var w)) continue;
            caller.InFlight++;
            var name = caller.Client.Settings.Name;
            caller.Client.ScoreAsync(body, w.Slate.Candidates).PipeTo(Self,
                success: a => new ExternalScored(id, a),
                failure: e => new ExternalScored(id, new ExternalAnswer(name, null, "error", TimeSpan.Zero)));
        }
    }

    private void Scored(ExternalScored s)
    {
        var name = s.Answer.Name;
        if (_callers.TryGetValue(name, out var caller))
        {
            caller.InFlight--;
            if (s.Answer.Ok)
            {
                caller.ConsecutiveFailures = 0;
                if (caller.OpenUntil != default) _log.Info("external policy {0}: the service answers again, circuit closed", name);
                caller.OpenUntil = default;
                caller.HalfOpenProbe = false;
            }
            else if (++caller.ConsecutiveFailures >= caller.Client.Settings.BreakerFailures || caller.HalfOpenProbe)
            {
                caller.OpenUntil = DateTime.UtcNow + caller.Client.Settings.BreakerReset;
                caller.HalfOpenProbe = false;
                _log.Warning("external policy {0}: {1} failures in a row (last: {2}), circuit open for {3}: its slates are ranked by the fallback",
                    name, caller.ConsecutiveFailures, s.Answer.Failure, caller.Client.Settings.BreakerReset);
                // what waits would only wait for the breaker: those slates fall back now
                while (caller.Queue.Count > 0) Failed(caller.Queue.Dequeue().Waiting, name, "breaker-open");
                Timers.StartSingleTimer("breaker-" + name, new RetryDispatch(name), caller.Client.Settings.BreakerReset);
            }
        }
        if (s.Answer.Ok && _waiting.TryGetValue(s.Waiting, out var w))
        {
            Count(name, "ok");
            w.Scores[name] = s.Answer.Scores!;
            Answered(s.Waiting, w);
        }
        else if (!s.Answer.Ok) Failed(s.Waiting, name, s.Answer.Failure ?? "error");
        if (caller is not null) Dispatch(caller);
    }

    private sealed record RetryDispatch(string Name);

    private void Failed(long id, string name, string reason)
    {
        Count(name, reason);
        var n = _externalOutcomes.GetValueOrDefault(name + "/failed");
        _externalOutcomes[name + "/failed"] = n + 1;
        // the first failure and then every 1000th: a failing service does not flood the log
        if (n % 1000 == 0) _log.Warning("external policy {0}: {1} (failure {2:N0}); the slate is ranked by its fallback", name, reason, n + 1);
        if (_waiting.TryGetValue(id, out var w)) Answered(id, w);
    }

    private void Answered(long id, WaitingSlate w)
    {
        if (--w.Pending > 0) return;
        _waiting.Remove(id);
        w.ReplyTo.Tell(_server.Finish(w.Slate, w.Scores));
    }

    private void Count(string name, string outcome) => _externalOutcomes[$"{name}/{outcome}"] = _externalOutcomes.GetValueOrDefault($"{name}/{outcome}") + 1;

    private FeedStatus Status() => new(_members.Count, _postsReceived, _server.Pool.Count + _server.Pool.Staged, _server.SlatesServed, _server.Impressions, _server.RandomSlates,
        _server.EmptySlates, new Dictionary<string, long>(_server.SlatesByPolicy), _server.Serving.Mix.Describe(), _remotePosts, _likes,
        _server.Serving.Learned.Examples, _server.Serving.Learned.Refreshes)
    {
        External = new Dictionary<string, long>(_externalOutcomes.Where(kv => !kv.Key.EndsWith("/failed", StringComparison.Ordinal))),
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
