using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Users;

/// <summary>What a user needs from its node. <see cref="Mediator"/> is the DistributedPubSub mediator (a probe in tests);
/// posts and comment notices are published through it.
/// <see cref="Known"/> lets users that never existed skip recovery.</summary>
public sealed record FakeUserDeps(AfuSettings Settings, ISimClock Clock, SimulationMetrics Metrics, IActorRef Gateway, IActorRef Feed, IActorRef Mediator,
    KnownUsers? Known = null);

/// <summary>
/// One fake user: a persistent, sharded entity. It posts on its own jittered timer (text from the LLM gateway),
/// reacts to posts the feed delivers (decisions from <see cref="Reactions"/>, seeded per user and post), and persists
/// every action as an event. State changes only through <see cref="FakeUserState.Apply"/>.
/// </summary>
public sealed class FakeUser : ReceivePersistentActor, IWithTimers
{
    private sealed record PostTick : INotInfluenceReceiveTimeout
    {
        public static readonly PostTick Instance = new();
    }

    /// <param name="ReplyTo">For a reply: the comment it answers.</param>
    private sealed record ReactionDue(DeliverPost Delivery, InteractionType Type, double Score, InteractionRecorded? ReplyTo = null)
    {
        /// <summary>Where the user's reaction marks keep this one (see <see cref="FakeUserState.MarkKey"/>): the post, or for a reply the comment.</summary>
        public string MarkKey => ReplyTo?.InteractionId ?? Delivery.Post.PostId;

        public string Id(string userId) => ReplyTo is null
            ? InteractionRecorded.IdFor(userId, Delivery.Post.PostId, Type)
            : InteractionRecorded.ReplyIdFor(userId, ReplyTo.InteractionId);
    }

    private sealed record PendingPost(long RequestId, long Seq, string Interest, string Subtopic, bool Trending);

    private const string PostTimerKey = "post";

    private readonly string _userId;
    private readonly int _index;
    private readonly FakeUserDeps _deps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _timing;
    private readonly bool _fresh;
    private FakeUserState _state;
    private bool _paused;
    private bool _live;
    private long _nextRequestId;
    private PendingPost? _pendingPost;
    private readonly Dictionary<long, ReactionDue> _pendingComments = new();
    private readonly HashSet<string> _planned = new(StringComparer.Ordinal);

    public FakeUser(string userId, FakeUserDeps deps)
    {
        _userId = userId;
        _index = ProfileRules.TryParseIndex(userId, out var i) ? i : 0;
        _deps = deps;
        _timing = DeterministicRandom.For(deps.Settings.Seed, "timing", userId);
        _fresh = (deps.Known ?? KnownUsers.Unknown).TryClaimNew(PersistenceIdFor(userId));
        var horizon = deps.Settings.Reactions.MaxDelayOrDefault * 2 + TimeSpan.FromSeconds(60);
        var drift = deps.Settings.Behaviour.Drift;
        _state = FakeUserState.Empty(horizon, drift);

        Recover<UserCreated>(e => _state = _state.Apply(e));
        Recover<PostPublished>(e => _state = _state.Apply(e));
        Recover<InteractionRecorded>(e => _state = _state.Apply(e));
        Recover<UserFollowed>(e => _state = _state.Apply(e));
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is FakeUserState s) _state = s with { Horizon = horizon, Drift = drift };
        });
        Recover<RecoveryCompleted>(_ =>
        {
            if (_fresh && LastSequenceNr > 0)
            {
                // Created elsewhere since this node started: we skipped its history. Stop; the next sweep recovers it fully.
                _log.Info("user {0} exists in the journal (sequence {1}) though it did not at start: recovering it fully", _userId, LastSequenceNr);
                Context.Stop(Self);
                return;
            }
            if (_state.Exists) GoLive();
        });

        Command<EnsureUser>(OnEnsure);
        Command<PostTick>(_ => RequestPost(manual: false));
        Command<PostNow>(_ =>
        {
            if (_state.Exists) RequestPost(manual: true);
            Sender.Tell(_state.Exists ? "ok" : $"user {_userId} does not exist");
        });
        Command<TextGenerated>(OnText);
        Command<DeliverPost>(OnDelivery);
        Command<CommentNotice>(OnCommentNotice);
        Command<ReactionDue>(OnReactionDue);
        Command<PauseUser>(_ => Pause());
        Command<ResumeUser>(_ => Resume());
        Command<RetireUser>(_ => Retire());
        Command<GetUserState>(_ => Sender.Tell(new UserStateReply(_userId, _state.Profile, _state.Counters, _paused, _state.LastPosts)));
        Command<StopUser>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", _userId, f.Cause.Message));
    }

    public override string PersistenceId => PersistenceIdFor(_userId);

    /// <summary>A user the journal did not hold at start, started here for the first time: nothing to replay.</summary>
    public override Recovery Recovery => _fresh ? Recovery.None : base.Recovery;

    public static string PersistenceIdFor(string userId) => $"fake-user:{userId}";

    public ITimerScheduler Timers { get; set; } = null!;

    private AfuSettings Settings => _deps.Settings;

    private BehaviourSettings Behaviour => _deps.Settings.Behaviour;

    // ------------------------------------------------------------------ lifecycle

    private void OnEnsure(EnsureUser cmd)
    {
        _paused = cmd.Paused;
        if (_state.Exists)
        {
            if (!_live) GoLive();
            else if (_paused) Pause();
            else if (!Timers.IsTimerActive(PostTimerKey)) ScheduleNextPost(first: true);
            return;
        }
        var profile = ProfileRules.Create(Settings.Seed, cmd.Index > 0 ? cmd.Index : _index, Settings.Interests, Behaviour.Activity);
        var created = new UserCreated(profile with { UserId = _userId }, profile.Bio, _deps.Clock.Now);
        Persist(created, e =>
        {
            Applied(e);
            _deps.Metrics.UserCreated();
            GoLive();
        });
    }

    private void GoLive()
    {
        if (!_live)
        {
            _live = true;
            _deps.Metrics.UserStarted();
        }
        AnnounceToFeed();
        if (!_paused) ScheduleNextPost(first: true);
    }

    private void AnnounceToFeed() => _deps.Feed.Tell(new JoinFeed(_userId, _state.Profile!.InterestNames.ToArray(), Self, _state.Follows.ToArray()));

    private double Chronotype => Activity.Chronotype(Behaviour.Daily, Settings.Seed, _index);

    private void Pause()
    {
        _paused = true;
        Timers.CancelAll();
        _planned.Clear();
        _pendingComments.Clear();
        _pendingPost = null;
    }

    private void Resume()
    {
        if (!_paused) return;
        _paused = false;
        if (_state.Exists) ScheduleNextPost(first: true);
    }

    private void Retire()
    {
        Pause();
        _deps.Feed.Tell(new LeaveFeed(_userId));
        Context.Parent.Tell(new Passivate(StopUser.Instance));
    }

    protected override void PostStop()
    {
        if (_live) _deps.Metrics.UserStopped();
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _deps.Metrics.PersistFailure();
        // The actor stops (nothing unacknowledged is kept); the SimulationManager's next sweep wakes it again once the journal answers.
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    // ------------------------------------------------------------------ posting

    private void ScheduleNextPost(bool first)
    {
        if (_paused || !_state.Exists) return;
        // ActivityFactor is the user's posting rate relative to the mean (heavy-tailed): the mean gap shrinks with it.
        var mean = Settings.PostInterval.TotalSeconds / Math.Max(0.001, _state.Profile!.ActivityFactor);
        var u = _timing.NextDouble();
        var sim = Behaviour.Daily.Enabled
            ? Activity.NextGap(Behaviour.Daily, _deps.Clock.Now, TimeSpan.FromSeconds(mean), Chronotype, u).TotalSeconds
            : first ? mean * u : mean * (1 + Settings.PostJitter * (2 * u - 1));
        Timers.StartSingleTimer(PostTimerKey, PostTick.Instance, _deps.Clock.Real(TimeSpan.FromSeconds(Math.Max(0.001, sim))));
    }

    /// <param name="manual">sim post: posts even while paused, and leaves the timer as it is.</param>
    private void RequestPost(bool manual)
    {
        if (!_state.Exists || (_paused && !manual)) return;
        if (!manual) ScheduleNextPost(first: false);
        if (_pendingPost is not null) return; // previous text still being written
        var seq = _state.LastPostSeq + 1;
        var rng = DeterministicRandom.For(Settings.Seed, "post", _userId, seq);
        var trend = Trends.At(Behaviour.Trends, Settings.Seed, _deps.Clock.Now, Settings.Interests.Enabled, _deps.Clock.Start);
        var (interest, subtopic) = PostTopics.Choose(_state.Profile!, rng, trend, Behaviour.Trends.PostShare);
        var requestId = ++_nextRequestId;
        _pendingPost = new PendingPost(requestId, seq, interest, subtopic, Trends.IsTrending(trend, interest, subtopic));
        var req = new ContentRequest(TextKind.Post, _userId, interest, subtopic, _state.Profile!.Persona, rng.Next());
        _deps.Gateway.Tell(new GenerateText(requestId, req), Self);
    }

    private void OnText(TextGenerated msg)
    {
        if (msg.Kind == TextKind.Post)
        {
            if (_pendingPost is not { } p || p.RequestId != msg.RequestId) return; // paused or superseded
            _pendingPost = null;
            var content = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.PostMax);
            if (!ContentRules.IsValidPost(content))
            {
                _log.Warning("user {0}: generated post rejected ({1} chars)", _userId, content.Length);
                return;
            }
            var post = new PostPublished(PostIds.For(_userId, p.Seq), _userId, p.Seq, content, p.Interest, p.Subtopic,
                _deps.Clock.Now, msg.Text.GeneratedBy, msg.Text.ModelVersion, p.Trending);
            Persist(post, e =>
            {
                Applied(e);
                _deps.Metrics.Post();
                _deps.Mediator.Tell(new Publish(FeedTopics.Posts, e));
            });
            return;
        }

        if (!_pendingComments.Remove(msg.RequestId, out var due)) return;
        var text = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.CommentMax);
        if (!ContentRules.IsValidComment(text))
        {
            _planned.Remove(due.Id(_userId));
            return;
        }
        Record(due, text, msg.Text.GeneratedBy, msg.Text.ModelVersion);
    }

    // ------------------------------------------------------------------ reacting

    private void OnDelivery(DeliverPost d)
    {
        var post = d.Post;
        if (!_state.Exists || _paused || post.UserId == _userId) return;
        var now = _deps.Clock.Now;
        if (_state.IsStale(post.CreatedAt, now) || _state.Reacted.ContainsKey(post.PostId)) return;
        if (_planned.Contains(InteractionRecorded.IdFor(_userId, post.PostId, InteractionType.View))) return;

        var score = Matching.Score(_state.Profile!.Interests, post.Interest, post.Subtopic);
        var plan = Reactions.Decide(Settings.Reactions, score, DeterministicRandom.For(Settings.Seed, "react", _userId + "|" + post.PostId),
            post.Trending ? Behaviour.Trends.LikeBoost : 1.0);
        if (!plan.View) return;
        Plan(d, InteractionType.View, score, plan.ViewDelay);
        if (plan.Like) Plan(d, InteractionType.Like, score, plan.LikeDelay);
        if (plan.Comment) Plan(d, InteractionType.Comment, score, plan.CommentDelay);
    }

    private void Plan(DeliverPost d, InteractionType type, double score, TimeSpan afterPost)
    {
        var due = new ReactionDue(d, type, score);
        var id = due.Id(_userId);
        _planned.Add(id);
        Timers.StartSingleTimer(id, due, _deps.Clock.RealDelayUntil(d.Post.CreatedAt + afterPost));
    }

    /// <summary>Someone commented on this user's post or replied to their comment: maybe answer (Social.ReplyProbability).</summary>
    private void OnCommentNotice(CommentNotice n)
    {
        var c = n.Comment;
        if (!_live || !_state.Exists || _paused || c.UserId == _userId) return;
        var due = new ReactionDue(new DeliverPost(_userId, n.Post, false), InteractionType.Comment,
            Matching.Score(_state.Profile!.Interests, n.Post.Interest, n.Post.Subtopic), c);
        var id = due.Id(_userId);
        if (_planned.Contains(id) || _state.HasReacted(c.InteractionId, InteractionType.Comment)) return;
        var rng = DeterministicRandom.For(Settings.Seed, "reply", _userId + "|" + c.InteractionId);
        if (rng.NextDouble() >= Social.ReplyProbability(Behaviour.Threads, c.Depth)) return;
        // Replies come 20 s to ~10 min (simulated) after the comment, most within the first minutes.
        var delay = TimeSpan.FromSeconds(20 + 580 * Math.Pow(rng.NextDouble(), 2));
        _planned.Add(id);
        Timers.StartSingleTimer(id, due, _deps.Clock.RealDelayUntil(c.CreatedAt + delay));
    }

    private void OnReactionDue(ReactionDue due)
    {
        if (_paused || _state.HasReacted(due.MarkKey, due.Type)) return;
        if (due.Type != InteractionType.Comment)
        {
            Record(due, null, null, null);
            return;
        }
        var post = due.Delivery.Post;
        var requestId = ++_nextRequestId;
        _pendingComments[requestId] = due;
        var rng = DeterministicRandom.For(Settings.Seed, "comment", due.Id(_userId));
        // A reply quotes the comment it answers; a comment quotes the post.
        var (quoted, quotedAuthor) = due.ReplyTo is { } parent ? (parent.Content, parent.UserId) : (post.Content, post.UserId);
        var req = new ContentRequest(TextKind.Comment, _userId, post.Interest, post.Subtopic, _state.Profile!.Persona, rng.Next(), quoted, quotedAuthor);
        _deps.Gateway.Tell(new GenerateText(requestId, req), Self);
    }

    private void Record(ReactionDue due, string? content, string? generatedBy, string? model)
    {
        var post = due.Delivery.Post;
        var id = due.Id(_userId);
        _planned.Remove(id);
        if (_state.HasReacted(due.MarkKey, due.Type)) return;
        var depth = due.Type != InteractionType.Comment ? 0 : due.ReplyTo is null ? 1 : due.ReplyTo.Depth + 1;
        var evt = new InteractionRecorded(id, _userId, post.PostId, post.UserId, due.Type, content, due.Score,
            due.Delivery.Exploration, post.CreatedAt, _deps.Clock.Now, generatedBy, model,
            post.Interest, due.ReplyTo?.InteractionId, depth, due.Delivery.ViaFollow);
        Persist(evt, e =>
        {
            Applied(e);
            switch (e.Type)
            {
                case InteractionType.View: _deps.Metrics.View(); break;
                case InteractionType.Like:
                    _deps.Metrics.Like();
                    MaybeFollow(e);
                    break;
                default:
                    _deps.Metrics.Comment();
                    // The one answered (the post's author, or the author of the comment replied to) may reply in turn. The
                    // notice travels like posts, on pub/sub to every node's feed, which hands it on only to a live local
                    // user: it never wakes a user that was scaled out of the population.
                    var to = due.ReplyTo?.UserId ?? post.UserId;
                    if (to != _userId) _deps.Mediator.Tell(new Publish(FeedTopics.Comments, new CommentNotice(to, post, e)));
                    break;
            }
        });
    }

    private void MaybeFollow(InteractionRecorded like)
    {
        var author = like.PostAuthorId;
        var rng = DeterministicRandom.For(Settings.Seed, "follow", _userId + "|" + like.PostId);
        if (author == _userId || !Social.ShouldFollow(Behaviour.Follow, like.MatchScore, _state.Follows.Count, _state.Follows.Contains(author), rng)) return;
        Persist(new UserFollowed(_userId, author, like.MatchScore, like.PostId, _deps.Clock.Now), e =>
        {
            Applied(e);
            _deps.Metrics.Follow();
            _deps.Feed.Tell(new FollowAdded(_userId, author));
        });
    }

    private void Applied(IUserEvent e)
    {
        var interestsBefore = _state.Profile?.Interests.Count;
        var primaryBefore = _state.Profile?.PrimaryInterest;
        _state = _state.Apply(e);
        // Drift brought in (or dropped) an interest: the feed's interest index must know.
        if (_live && _state.Profile is { } p && (p.Interests.Count != interestsBefore || p.PrimaryInterest != primaryBefore)) AnnounceToFeed();
        if (LastSequenceNr % Settings.SnapshotEvery == 0) SaveSnapshot(_state);
    }
}

